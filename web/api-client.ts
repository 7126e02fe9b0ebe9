/** The API app, called in process: the pages have no rule of their own, only the API's answers. */
export interface ApiApp {
  request(input: string, init?: RequestInit): Response | Promise<Response>;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
}

export type ApiAnswer<T> =
  | { ok: true; status: number; body: T; headers: Headers }
  | { ok: false; status: number; problem: Problem; headers: Headers };

/** Calls the API as the signed-in person, with their own credential, JSON in and out. */
export async function callApi<T>(
  api: ApiApp,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiAnswer<T>> {
  const response = await api.request(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (response.ok) return { ok: true, status: response.status, body: parsed as T, headers: response.headers };
  return { ok: false, status: response.status, problem: parsed as Problem, headers: response.headers };
}
