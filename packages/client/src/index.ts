export { ChatClient, type ChatClientOptions, type MessagePage, type Page, type UploadLinks } from './chat-client.js';
export { ApiError, type ApiErrorBody } from './errors.js';
export type { ConnectionEvents, RealtimeEvents, RealtimeOptions } from './realtime.js';
export {
  LocalStorageTokenStore,
  MemoryTokenStore,
  type BrowserStorage,
  type Tokens,
  type TokenStore,
} from './token-store.js';
export type { paths, components } from './generated/api.js';
export type * from './server-types.js';
