/** How long start-up waits for each host's answer before it tries the next. */
const ANSWER_TIMEOUT_MS = 5000;

/**
 * Of DATABASE_URL's hosts (one URL each), the first that accepts a connection at start: TypeORM
 * connects there and runs the migrations. With one host, that host, unasked (TypeORM tries it
 * again as it always has); when none answers, the first (and TypeORM's retries report it).
 */
export async function firstAnsweringHost(urls: readonly string[]): Promise<string> {
  if (urls.length === 1) return urls[0];
  // loaded here, so the SQLite deployment never loads the MySQL driver
  const { createConnection } = await import('mysql2');
  for (const uri of urls) {
    const answered = await new Promise<boolean>((resolve) => {
      const connection = createConnection({ uri, connectTimeout: ANSWER_TIMEOUT_MS });
      connection.once('error', () => resolve(false));
      connection.connect((error) => {
        if (error) return resolve(false);
        connection.end(() => resolve(true));
      });
    });
    if (answered) return uri;
  }
  return urls[0];
}
