// The service's own declarations of what it answers and emits, imported as types only: the client
// follows the server's event map and views without the server's code ever importing the client.
export type { AckReply, ServerEvents } from '../../../src/realtime/server-events.js';
export type { ClientEvents, ClientEventName, ClientEventResults } from '../../../src/realtime/client-events.js';
export type { ErrorBody } from '../../../src/common/errors/error-body.js';
export type { SignedIn } from '../../../src/auth/auth.service.js';
export type { UserMe, PublicProfile } from '../../../src/users/user.presenter.js';
export type { ConversationView, MemberView, ReadMarkView } from '../../../src/conversations/conversation.presenter.js';
export type { MessageView, Attachment } from '../../../src/conversations/message.presenter.js';
export type { SyncView } from '../../../src/messages/sync.presenter.js';
export type { PresenceView } from '../../../src/presence/presence.presenter.js';
export type { UploadView } from '../../../src/uploads/upload.presenter.js';
