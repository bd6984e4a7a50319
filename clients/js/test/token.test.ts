import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, mock, test } from "node:test";
import { Portcullis, type TokenInfo } from "../src/index.js";
import { fakeFetch, json, jwt, settle } from "./fakes.js";

const BASE = "http://127.0.0.1:8080";
const T0 = Date.parse("2030-01-01T00:00:00.000Z");
const at = (ms: number): string => new Date(ms).toISOString();

/** A getToken minting tok_1, tok_2, ... that live `lifetimeMs` from the (mocked) now. */
function minter(lifetimeMs: number) {
  const callTimes: number[] = [];
  const getToken = async () => {
    callTimes.push(Date.now());
    return { token: `tok_${callTimes.length}`, expires_at: at(Date.now() + lifetimeMs) };
  };
  return { getToken, callTimes };
}

describe("token refresh", () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "Date"], now: T0 }));
  afterEach(() => mock.timers.reset());

  test("a token is fetched again at its expiry minus the margin, before it expires", async () => {
    const { getToken, callTimes } = minter(300_000);
    const { fetch, requests } = fakeFetch(() => json(200, { data: [], next_cursor: null }));
    const client = new Portcullis({ baseUrl: BASE, getToken, fetch });
    await client.threads.list();

    mock.timers.tick(269_000);
    await settle();
    assert.equal(callTimes.length, 1, "not refreshed 31 s before expiry");

    mock.timers.tick(2_000);
    await settle();
    assert.equal(callTimes.length, 2, "refreshed 30 s before expiry");
    assert.ok(callTimes[1]! >= T0 + 270_000 && callTimes[1]! < T0 + 300_000);
    assert.equal(client.tokenInfo().refreshes, 1);

    await client.threads.list();
    assert.equal(requests.at(-1)!.headers.authorization, "Bearer tok_2");
    client.close();
  });

  test("the margin is never more than half the token's lifetime", async () => {
    const { getToken, callTimes } = minter(40_000); // a 30 s margin would refresh after 10 s
    const client = new Portcullis({ baseUrl: BASE, getToken, fetch: fakeFetch(() => json(200, {})).fetch });
    await client.me();

    mock.timers.tick(19_000);
    await settle();
    assert.equal(callTimes.length, 1, "not at 19 s");

    mock.timers.tick(2_000);
    await settle();
    assert.equal(callTimes.length, 2, "at 20 s, half of 40 s");
    client.close();
  });

  test("refreshMarginSeconds sets the margin", async () => {
    const { getToken, callTimes } = minter(300_000);
    const client = new Portcullis({ baseUrl: BASE, getToken, refreshMarginSeconds: 60, fetch: fakeFetch(() => json(200, {})).fetch });
    await client.me();

    mock.timers.tick(239_000);
    await settle();
    assert.equal(callTimes.length, 1);

    mock.timers.tick(2_000);
    await settle();
    assert.equal(callTimes.length, 2);
    client.close();
  });

  test("a JWT returned alone gives its expiry from the exp claim", async () => {
    let calls = 0;
    const getToken = async () => {
      calls++;
      return jwt({ sub: "alice", exp: Math.floor(Date.now() / 1000) + 120 });
    };
    const { fetch, requests } = fakeFetch(() => json(200, { data: [], next_cursor: null }));
    const client = new Portcullis({ baseUrl: BASE, getToken, fetch });
    await client.threads.list();

    assert.equal(client.tokenInfo().expiresAt?.getTime(), T0 + 120_000);
    assert.deepEqual(
      requests.map((r) => r.path),
      ["/v1/threads"],
      "no need to ask the server",
    );
    mock.timers.tick(91_000);
    await settle();
    assert.equal(calls, 2, "refreshed 30 s before exp");
    client.close();
  });

  test("an opaque token's expiry is asked of GET /v1/me with that token", async () => {
    const { fetch, requests } = fakeFetch((request) =>
      request.path === "/v1/me" ? json(200, { kind: "client", expires_at: at(T0 + 300_000) }) : json(200, { data: [], next_cursor: null }),
    );
    const client = new Portcullis({ baseUrl: BASE, getToken: async () => "pc_ck_opaque", fetch });
    await client.threads.list();

    assert.equal(client.tokenInfo().expiresAt?.getTime(), T0 + 300_000);
    assert.deepEqual(
      requests.map((r) => `${r.path} ${r.headers.authorization}`),
      ["/v1/me Bearer pc_ck_opaque", "/v1/threads Bearer pc_ck_opaque"],
    );
    client.close();
  });

  test("a static token is never refreshed", async () => {
    const token = jwt({ sub: "alice", exp: T0 / 1000 + 60 });
    const { fetch, requests } = fakeFetch(() => json(200, {}));
    const client = new Portcullis({ baseUrl: BASE, token, fetch });

    assert.equal(client.tokenInfo().expiresAt?.getTime(), T0 + 60_000, "its exp is still shown");
    mock.timers.tick(120_000);
    await settle();
    await client.me();

    assert.equal(requests.length, 1);
    assert.equal(requests[0]!.headers.authorization, `Bearer ${token}`);
    assert.equal(client.tokenInfo().refreshes, 0);
  });

  test("onTokenChange reports each token fetched, with its expiry and the refresh count", async () => {
    const { getToken } = minter(100_000);
    const seen: TokenInfo[] = [];
    const client = new Portcullis({ baseUrl: BASE, getToken, onTokenChange: (info) => seen.push(info), fetch: fakeFetch(() => json(200, {})).fetch });
    await client.me();
    mock.timers.tick(70_000);
    await settle();

    assert.deepEqual(
      seen.map((info) => [info.refreshes, info.expiresAt?.getTime()]),
      [
        [0, T0 + 100_000],
        [1, T0 + 70_000 + 100_000],
      ],
    );
    client.close();
  });

  test("concurrent first requests share one getToken call", async () => {
    const { getToken, callTimes } = minter(300_000);
    const client = new Portcullis({ baseUrl: BASE, getToken, fetch: fakeFetch(() => json(200, {})).fetch });

    await Promise.all([client.me(), client.agents.get("agt_1"), client.threads.get("thr_1")]);

    assert.equal(callTimes.length, 1);
    client.close();
  });

  test("when a due refresh fails the still-valid token is used, and after expiry the failure is thrown", async () => {
    let calls = 0;
    const outage = new Error("token endpoint down");
    const getToken = async () => {
      calls++;
      if (calls > 1) throw outage;
      return { token: "tok_1", expires_at: at(Date.now() + 300_000) };
    };
    const { fetch, requests } = fakeFetch(() => json(200, {}));
    const client = new Portcullis({ baseUrl: BASE, getToken, fetch });
    await client.me();

    mock.timers.tick(271_000); // the scheduled refresh fails
    await settle();
    await client.me(); // due: tries again, fails, keeps the valid token
    assert.equal(calls, 3);
    assert.equal(requests.at(-1)!.headers.authorization, "Bearer tok_1");

    mock.timers.tick(30_000); // now expired
    await assert.rejects(client.me(), outage);
    assert.equal(requests.length, 2, "no request with an expired token");
    client.close();
  });
});
