import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { refusedHandshake, roundTrip } from '@test/security/support/sockets';
import { type ClientSocket, openSocket, startWebNode, type WebNode } from '@test/support/web-node';

// Issue 21 #13 (part): one session could open any number of sockets, each holding memory on the node. Now a
// session holds at most SOCKETS_PER_SESSION (here 3) on a node; one more handshake is refused with a clear error.

describe('security: sockets per session are capped (issue 21 #13)', () => {
  let node: WebNode;
  let user: SeededUser;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    node = await startWebNode({ name: 'cap', redis: false, maxSocketsPerSession: 3 });
    user = await createUser(node.dataSource, `${suitePrefix('cap')}-op`, 'operator');
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await deleteUsers(node.dataSource, [user.id]);
    await node.close();
  });

  const open = async (cookie: string | undefined) => {
    const socket = await openSocket(node.baseUrl, cookie);
    sockets.push(socket);
    return socket;
  };

  it('refuses the fourth socket of one session with TOO_MANY_SOCKETS; a closed one frees its place', async () => {
    const api = new ApiClient(node.baseUrl);
    await api.login(user.login, TEST_PASSWORD);
    const three = [await open(api.cookie), await open(api.cookie), await open(api.cookie)];

    const refused = await refusedHandshake(node.baseUrl, api.cookie);
    expect(refused).toEqual({
      message: 'TOO_MANY_SOCKETS',
      data: { code: 'TOO_MANY_SOCKETS', message: expect.stringContaining('3 open connections') },
    });
    for (const socket of three) expect(await roundTrip(socket)).toBe(true);

    three[0]!.close();
    // The server learns of the close a moment after the client: the place is free once it has.
    let fourth: ClientSocket | undefined;
    await expect
      .poll(async () => {
        fourth = await open(api.cookie).catch(() => undefined);
        return fourth?.connected;
      })
      .toBe(true);
  });

  it('counts per session: another session of the same user, and a burst of handshakes, stay within the cap', async () => {
    const other = new ApiClient(node.baseUrl);
    await other.login(user.login, TEST_PASSWORD);
    const burst = await Promise.allSettled(Array.from({ length: 8 }, () => openSocket(node.baseUrl, other.cookie)));
    for (const r of burst) if (r.status === 'fulfilled') sockets.push(r.value);
    expect(burst.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const reasons = burst.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
    expect(reasons).toEqual(Array.from({ length: 5 }, () => 'TOO_MANY_SOCKETS'));
  });
});
