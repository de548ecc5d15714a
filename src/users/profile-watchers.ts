import { Injectable } from '@nestjs/common';

type Watcher = (userId: string) => Promise<void>;

/**
 * Features whose cached views show a user's name or avatar (conversation lists, for one) depend on
 * this feature, so it cannot call them: they register here, and a profile change waits for each of
 * them before it is answered, so the change shows at once everywhere.
 */
@Injectable()
export class ProfileWatchers {
  private readonly watchers: Watcher[] = [];

  add(watcher: Watcher): void {
    this.watchers.push(watcher);
  }

  async changed(userId: string): Promise<void> {
    await Promise.all(this.watchers.map((watcher) => watcher(userId)));
  }
}
