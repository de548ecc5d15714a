import { bearer, type Requester, type SignedIn } from './auth-client.js';
import { spawnReadyApp, type AppProcess } from './app-process.js';
import { httpRequest } from './test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The API of an instance process, for the test clients. */
export const via = (app: AppProcess): Requester => ({
  request: (method, path, options) => httpRequest(app.baseUrl, method, path, options),
});

export interface SendsUnderKills {
  /** Two ready instance processes; each is killed and replaced in turn. */
  env: Record<string, string>;
  started: AppProcess[];
  instances: (AppProcess | null)[];
  sender: SignedIn;
  conversationId: string;
  /** Runs after each acknowledged send, on the instance that took it (`i`: the send's number). */
  onStored?: (app: AppProcess, messageId: string, i: number) => Promise<unknown>;
}

/**
 * A steady stream of sends, spread over the live instances, while each instance is SIGKILLed in
 * turn (six rounds) at a random moment of its work and a new one started in its place. Answers
 * the ids of the acknowledged messages and how many sends were tried, once the stream stopped.
 */
export async function sendWhileKilling(
  run: SendsUnderKills,
): Promise<{ acknowledged: Set<string>; attempted: number }> {
  const { instances, sender, conversationId } = run;
  const acknowledged = new Set<string>();
  let sending = true;
  let attempted = 0;
  const stream = (async () => {
    for (let i = 0; sending; i++) {
      const live = instances.filter((app): app is AppProcess => app !== null);
      const app = live[i % Math.max(1, live.length)];
      if (!app) {
        await sleep(20);
        continue;
      }
      attempted += 1;
      const response = await httpRequest(app.baseUrl, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
        headers: bearer(sender.accessToken),
        body: { clientMessageId: crypto.randomUUID(), body: `load ${i}` },
      }).catch(() => null);
      if (response?.status === 201) {
        const id = response.json<{ id: string }>().id;
        acknowledged.add(id);
        await run.onStored?.(app, id, i);
      }
      await sleep(15);
    }
  })();

  for (let round = 0; round < 6; round++) {
    await sleep(700 + Math.random() * 900);
    const victim = round % 2;
    instances[victim]!.kill();
    await instances[victim]!.exited;
    instances[victim] = null;
    instances[victim] = await spawnReadyApp(run.env, run.started);
  }
  await sleep(1000);
  sending = false;
  await stream;
  return { acknowledged, attempted };
}
