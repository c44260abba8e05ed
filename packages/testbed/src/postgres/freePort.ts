import { createServer } from 'node:net';

/** A port the OS reports free on 127.0.0.1 (released again before the caller binds it). */
export async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const address = server.address();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  if (address === null || typeof address === 'string')
    throw new Error('findFreePort: no TCP address');
  return address.port;
}
