import { PulseboardError } from '@pulseboard/model';

/** A tiny JSON-over-HTTP client for the server's /api (bearer token, timeout, error codes). */
export class HttpClient {
  readonly #baseUrl: string;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: { baseUrl: string; token?: string; fetch: typeof fetch; timeoutMs: number }) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#fetch = options.fetch;
    this.#timeoutMs = options.timeoutMs;
  }

  /** Sends a request; resolves with status, headers and parsed JSON (null for 204/304). */
  async request<T>(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Headers; body: T | null }> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    let response: Response;
    try {
      response = await this.#fetch(`${this.#baseUrl}${path}`, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: controller.signal,
      });
    } catch (error) {
      throw new PulseboardError('network_error', `${method} ${path}: ${error instanceof Error ? error.message : String(error)}`, { status: 0, cause: error });
    } finally {
      clearTimeout(timer);
    }
    if (response.status === 204 || response.status === 304) return { status: response.status, headers: response.headers, body: null };
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    if (!response.ok) {
      const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
      throw new PulseboardError(error?.code ?? 'http_error', error?.message ?? `${method} ${path}: HTTP ${response.status}`, { status: response.status });
    }
    return { status: response.status, headers: response.headers, body: body as T };
  }
}
