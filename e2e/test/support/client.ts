/** A JSON response: status, parsed body (undefined when empty) and headers. */
export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * One user agent talking to the gateway with plain fetch: keeps the cookies the
 * server sets (like a browser would, by name, dropping cleared ones) and sends
 * them back.
 */
export class Client {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  get<T = unknown>(path: string): Promise<ApiResponse<T>> {
    return this.send<T>('GET', path);
  }

  post<T = unknown>(path: string, body?: unknown): Promise<ApiResponse<T>> {
    return this.send<T>('POST', path, body === undefined ? undefined : JSON.stringify(body));
  }

  put<T = unknown>(path: string, body: unknown): Promise<ApiResponse<T>> {
    return this.send<T>('PUT', path, JSON.stringify(body));
  }

  delete<T = unknown>(path: string): Promise<ApiResponse<T>> {
    return this.send<T>('DELETE', path);
  }

  /** Sends a raw body, e.g. text that is not valid JSON. */
  async send<T = unknown>(method: string, path: string, rawBody?: string): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (rawBody !== undefined) headers['content-type'] = 'application/json';
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: rawBody });
    this.keepCookies(response.headers.getSetCookie());
    const text = await response.text();
    return {
      status: response.status,
      body: (text === '' ? undefined : JSON.parse(text)) as T,
      headers: response.headers,
    };
  }

  private keepCookies(setCookies: string[]): void {
    for (const header of setCookies) {
      const [pair = '', ...attributes] = header.split(';');
      const separator = pair.indexOf('=');
      if (separator < 0) continue;
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', attributeValue = ''] = attribute.trim().split('=');
        return key.toLowerCase() === 'expires' && Date.parse(attributeValue) <= Date.now();
      });
      if (value === '' || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

let userCount = 0;

/** Signs a new user up and returns its client, carrying the session cookie. */
export async function signUp(
  baseUrl: string,
  label = 'user',
): Promise<{ client: Client; id: string; email: string }> {
  userCount += 1;
  const email = `${label}-${userCount}-${Date.now()}@example.com`;
  const client = new Client(baseUrl);
  const response = await client.post<{ id: string; email: string }>('/api/users/signup', {
    email,
    password: 'secret-pw',
  });
  if (response.status !== 201) {
    throw new Error(`sign-up failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return { client, id: response.body.id, email };
}
