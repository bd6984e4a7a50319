import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Portcullis, PortcullisError } from "../src/index.js";
import { apiError, fakeFetch, json } from "./fakes.js";

const BASE = "http://127.0.0.1:8080";
const LATER = new Date(Date.now() + 3_600_000).toISOString();

describe("errors", () => {
  test("a refused request throws a PortcullisError with the API's status, code, message and request id", async () => {
    const { fetch } = fakeFetch(() => apiError(404, "not_found", "Thread not found.", "req_abc"));
    const client = new Portcullis({ baseUrl: BASE, token: "pc_sk_test", fetch });

    const error = await client.threads.get("thr_missing").catch((e: unknown) => e);

    assert.ok(error instanceof PortcullisError);
    assert.ok(error instanceof Error);
    assert.equal(error.name, "PortcullisError");
    assert.equal(error.status, 404);
    assert.equal(error.code, "not_found");
    assert.equal(error.message, "Thread not found.");
    assert.equal(error.requestId, "req_abc");
  });

  test("a refusal without the API's body takes the code of its status and the X-Request-Id header", async () => {
    const { fetch } = fakeFetch(() => new Response("<html>Bad gateway</html>", { status: 503, headers: { "X-Request-Id": "req_proxy" } }));
    const client = new Portcullis({ baseUrl: BASE, token: "pc_sk_test", fetch });

    const error = await client.agents.list().catch((e: unknown) => e);

    assert.ok(error instanceof PortcullisError);
    assert.equal(error.status, 503);
    assert.equal(error.code, "unavailable");
    assert.equal(error.requestId, "req_proxy");
  });

  test("a 429 carries Retry-After as retryAfter", async () => {
    const { fetch } = fakeFetch(() =>
      json(429, { error: { code: "rate_limited", message: "Slow down.", request_id: "req_1" } }, { "Retry-After": "7" }),
    );
    const client = new Portcullis({ baseUrl: BASE, token: "pc_sk_test", fetch });

    const error = await client.me().catch((e: unknown) => e);

    assert.ok(error instanceof PortcullisError);
    assert.equal(error.code, "rate_limited");
    assert.equal(error.retryAfter, 7);
  });

  test("a server that cannot be reached is a network_error with status 0 and the cause", async () => {
    const cause = new TypeError("fetch failed");
    const client = new Portcullis({ baseUrl: BASE, token: "pc_sk_test", fetch: async () => Promise.reject(cause) });

    const error = await client.me().catch((e: unknown) => e);

    assert.ok(error instanceof PortcullisError);
    assert.equal(error.status, 0);
    assert.equal(error.code, "network_error");
    assert.equal(error.cause, cause);
  });
});

describe("401 handling", () => {
  test("a request refused with token_expired gets one fresh token and is retried once with it", async () => {
    let minted = 0;
    const { fetch, requests } = fakeFetch((request) =>
      request.headers.authorization === "Bearer tok_1" ? apiError(401, "token_expired") : json(200, { id: "thr_1" }),
    );
    const client = new Portcullis({
      baseUrl: BASE,
      getToken: async () => ({ token: `tok_${++minted}`, expires_at: LATER }),
      fetch,
    });

    const thread = await client.threads.get("thr_1");

    assert.deepEqual(thread, { id: "thr_1" });
    assert.equal(minted, 2);
    assert.deepEqual(
      requests.map((r) => r.headers.authorization),
      ["Bearer tok_1", "Bearer tok_2"],
    );
    assert.equal(client.tokenInfo().refreshes, 1);
  });

  test("a second 401 is thrown and never retried again", async () => {
    let minted = 0;
    const { fetch, requests } = fakeFetch(() => apiError(401, "token_revoked", "Revoked."));
    const client = new Portcullis({
      baseUrl: BASE,
      getToken: async () => ({ token: `tok_${++minted}`, expires_at: LATER }),
      fetch,
    });

    const error = await client.threads.list().catch((e: unknown) => e);

    assert.ok(error instanceof PortcullisError);
    assert.equal(error.status, 401);
    assert.equal(error.code, "token_revoked");
    assert.equal(requests.length, 2, "the request and its one retry");
    assert.equal(minted, 2, "the first token and one refresh");
  });

  test("the retry resends the same method, path, query and body", async () => {
    let minted = 0;
    const { fetch, requests } = fakeFetch((request) =>
      request.headers.authorization === "Bearer tok_1" ? apiError(401, "invalid_token") : json(201, { id: "thr_new" }),
    );
    const client = new Portcullis({ baseUrl: BASE, getToken: async () => ({ token: `tok_${++minted}`, expires_at: LATER }), fetch });

    await client.threads.create({ agent_id: "agt_1", metadata: { topic: "tea" } });

    assert.equal(requests.length, 2);
    for (const request of requests) {
      assert.equal(request.method, "POST");
      assert.equal(request.path, "/v1/threads");
      assert.deepEqual(request.body, { agent_id: "agt_1", metadata: { topic: "tea" } });
    }
  });

  test("a 401 that no token can cure (unauthenticated) is thrown without calling getToken again", async () => {
    let minted = 0;
    const { fetch, requests } = fakeFetch(() => apiError(401, "unauthenticated"));
    const client = new Portcullis({ baseUrl: BASE, getToken: async () => ({ token: `tok_${++minted}`, expires_at: LATER }), fetch });

    const error = await client.me().catch((e: unknown) => e);

    assert.ok(error instanceof PortcullisError);
    assert.equal(error.code, "unauthenticated");
    assert.equal(minted, 1);
    assert.equal(requests.length, 1);
  });

  test("with a static token a 401 is thrown at once, without a retry", async () => {
    const { fetch, requests } = fakeFetch(() => apiError(401, "token_expired"));
    const client = new Portcullis({ baseUrl: BASE, token: "pc_ck_static", fetch });

    const error = await client.me().catch((e: unknown) => e);

    assert.ok(error instanceof PortcullisError);
    assert.equal(error.code, "token_expired");
    assert.equal(requests.length, 1);
    assert.equal(client.tokenInfo().refreshes, 0);
  });

  test("concurrent requests refused with the same token share one refresh", async () => {
    let minted = 0;
    const { fetch, requests } = fakeFetch((request) =>
      request.headers.authorization === "Bearer tok_1" ? apiError(401, "token_expired") : json(200, { ok: true }),
    );
    const client = new Portcullis({
      baseUrl: BASE,
      getToken: async () => ({ token: `tok_${++minted}`, expires_at: LATER }),
      fetch,
    });

    await Promise.all([client.me(), client.agents.list(), client.threads.list()]);

    assert.equal(minted, 2, "one first token, one refresh for all three");
    assert.equal(requests.filter((r) => r.headers.authorization === "Bearer tok_2").length, 3);
  });
});

describe("resources", () => {
  test("each call sends its method, path, query and body, with the bearer token", async () => {
    const { fetch, requests } = fakeFetch((request) => (request.method === "DELETE" ? json(204, null) : json(200, { data: [], next_cursor: null })));
    const client = new Portcullis({ baseUrl: `${BASE}/`, token: "pc_sk_test", fetch });

    await client.agents.list({ limit: 10 });
    await client.agents.get("agt_1");
    await client.threads.list({ agent_id: "agt_1", limit: 5, cursor: "c_2" });
    await client.threads.update("thr_1", { metadata: { topic: null } });
    const deleted = await client.threads.delete("thr_1");
    await client.messages.list("thr_1", { after: "c_9" });
    await client.runs.create("thr_1", { messages: [{ role: "user", content: "hi" }] });
    await client.runs.get("thr_1", "run_1");

    const seen = requests.map((r) => `${r.method} ${r.path}${r.url.search}`);
    assert.deepEqual(seen, [
      "GET /v1/agents?limit=10",
      "GET /v1/agents/agt_1",
      "GET /v1/threads?agent_id=agt_1&limit=5&after=c_2",
      "PATCH /v1/threads/thr_1",
      "DELETE /v1/threads/thr_1",
      "GET /v1/threads/thr_1/messages?after=c_9",
      "POST /v1/threads/thr_1/runs",
      "GET /v1/threads/thr_1/runs/run_1",
    ]);
    assert.equal(deleted, undefined);
    assert.deepEqual(requests[3]!.body, { metadata: { topic: null } });
    assert.deepEqual(requests[6]!.body, { input: { messages: [{ role: "user", content: "hi" }] } });
    assert.ok(requests.every((r) => r.headers.authorization === "Bearer pc_sk_test"));
    assert.ok(requests.every((r) => (r.body === undefined) === (r.headers["content-type"] === undefined)));
  });

  test("ids are escaped into paths", async () => {
    const { fetch, requests } = fakeFetch(() => json(200, {}));
    const client = new Portcullis({ baseUrl: BASE, token: "pc_sk_test", fetch });

    await client.threads.get("../agents");

    assert.equal(requests[0]!.url.href, `${BASE}/v1/threads/..%2Fagents`);
  });

  test("the constructor refuses options that give both or neither of token and getToken", () => {
    assert.throws(() => new Portcullis({ baseUrl: BASE }), TypeError);
    assert.throws(() => new Portcullis({ baseUrl: BASE, token: "a", getToken: async () => "b" }), TypeError);
  });
});
