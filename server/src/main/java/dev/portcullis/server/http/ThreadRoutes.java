package dev.portcullis.server.http;

import static dev.portcullis.core.authz.Action.CREATE;
import static dev.portcullis.core.authz.Action.CREATE_RUN;
import static dev.portcullis.core.authz.Action.DELETE;
import static dev.portcullis.core.authz.Action.READ;
import static dev.portcullis.core.authz.Action.SEARCH;
import static dev.portcullis.core.authz.Action.UPDATE;
import static dev.portcullis.core.authz.Resource.THREADS;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portcullis.core.authz.Scope;
import dev.portcullis.core.domain.Agent;
import dev.portcullis.core.domain.AgentThread;
import dev.portcullis.core.domain.Run;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.run.RunEvents;
import dev.portcullis.core.run.Runs;
import dev.portcullis.core.secret.ResourceIds;
import dev.portcullis.core.store.PageRequest;
import dev.portcullis.core.store.Store;
import dev.portcullis.core.store.ThreadStore;
import dev.portcullis.core.view.JsonViews;
import dev.portcullis.server.sse.SseStream;
import io.javalin.http.Context;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** Threads, their messages and runs, and run streams (API.md section 4). */
final class ThreadRoutes {

  private final Store store;
  private final Runs runs;
  private final RunEvents events;
  private final Responses respond;

  ThreadRoutes(Store store, Runs runs, RunEvents events, Responses respond) {
    this.store = store;
    this.runs = runs;
    this.events = events;
    this.respond = respond;
  }

  record CreateThread(@JsonProperty("agent_id") String agentId, Map<String, Object> metadata) {}

  record PatchThread(Map<String, Object> metadata) {}

  record SearchThreads(Map<String, Object> metadata, @JsonProperty("agent_id") String agentId,
      Integer limit, String after) {}

  record PostMessage(String role, String content) {}

  record InputMessage(String role, String content) {}

  record RunInput(List<InputMessage> messages) {}

  record CreateRun(RunInput input) {}

  void register(Routes routes) {
    routes.post("/v1/threads", THREADS, CREATE, (ctx, access) -> {
      CreateThread body = respond.bodies().read(ctx, CreateThread.class);
      if (body.agentId() == null) {
        throw PortcullisException.invalidRequest("agent_id is required.");
      }
      Agent agent = agent(access.scope(), body.agentId());
      respond.created(ctx, JsonViews.thread(store.threads().create(agent.projectId(), agent.id(),
          access.stamp(Validation.metadata(body.metadata(), "metadata")))));
    });
    routes.get("/v1/threads", THREADS, SEARCH, (ctx, access) -> {
      var query = new ThreadStore.ThreadQuery(Optional.ofNullable(ctx.queryParam("agent_id")), Map.of());
      respond.ok(ctx, JsonViews.page(store.threads().search(access.scope(), query, Validation.page(ctx)),
          JsonViews::thread));
    });
    routes.post("/v1/threads/search", THREADS, SEARCH, (ctx, access) -> {
      SearchThreads body = respond.bodies().read(ctx, SearchThreads.class);
      var query = new ThreadStore.ThreadQuery(Optional.ofNullable(body.agentId()),
          Validation.metadata(body.metadata(), "metadata"));
      PageRequest page = PageRequest.parse(Optional.ofNullable(body.limit()).map(String::valueOf),
          Optional.ofNullable(body.after()));
      respond.ok(ctx, JsonViews.page(store.threads().search(access.scope(), query, page), JsonViews::thread));
    });
    routes.get("/v1/threads/{id}", THREADS, READ, (ctx, access) ->
        respond.ok(ctx, JsonViews.thread(thread(ctx, access))));
    routes.patch("/v1/threads/{id}", THREADS, UPDATE, (ctx, access) -> {
      PatchThread body = respond.bodies().read(ctx, PatchThread.class);
      AgentThread thread = thread(ctx, access);
      // Metadata merges, as in LangGraph: given keys are set, a null value removes its key.
      Map<String, Object> merged = new HashMap<>(thread.metadata());
      Map<String, Object> patch = Validation.metadata(body.metadata(), "metadata");
      access.requireNoRuleKeys(patch);
      patch.forEach((k, v) -> {
        if (v == null) {
          merged.remove(k);
        } else {
          merged.put(k, v);
        }
      });
      Validation.metadata(merged, "metadata");
      respond.ok(ctx, JsonViews.thread(store.threads().updateMetadata(access.scope(), thread.id(), merged)
          .orElseThrow(() -> PortcullisException.notFound("Thread"))));
    });
    routes.delete("/v1/threads/{id}", THREADS, DELETE, (ctx, access) -> {
      if (!store.threads().delete(access.scope(), ctx.pathParam("id"))) {
        throw PortcullisException.notFound("Thread");
      }
      respond.noContent(ctx);
    });

    routes.get("/v1/threads/{id}/messages", THREADS, READ, (ctx, access) -> {
      AgentThread thread = thread(ctx, access);
      respond.ok(ctx, JsonViews.page(store.messages().list(thread.id(), Validation.page(ctx)), JsonViews::message));
    });
    routes.post("/v1/threads/{id}/messages", THREADS, UPDATE, (ctx, access) -> {
      PostMessage body = respond.bodies().read(ctx, PostMessage.class);
      AgentThread thread = thread(ctx, access);
      if (!"user".equals(body.role())) {
        throw PortcullisException.invalidRequest("role must be \"user\".");
      }
      Runs.validateContent(body.content(), "content");
      respond.created(ctx, JsonViews.message(store.messages().append(ResourceIds.next("msg_"), thread.id(),
          Optional.empty(), "user", body.content())));
    });

    routes.post("/v1/threads/{id}/runs", THREADS, CREATE_RUN, (ctx, access) -> {
      Run run = startRun(ctx, access);
      events.follow(run.id(), 0, event -> { }, () -> true);
      Run done = store.runs().find(run.threadId(), run.id()).orElseThrow();
      respond.ok(ctx, runs.view(done));
    });
    routes.post("/v1/threads/{id}/runs/stream", THREADS, CREATE_RUN, (ctx, access) -> {
      Run run = startRun(ctx, access);
      stream(ctx, access, run.id(), 0);
    });
    routes.get("/v1/threads/{id}/runs/{run_id}", THREADS, READ, (ctx, access) ->
        respond.ok(ctx, runs.view(run(ctx, access))));
    routes.getStream("/v1/threads/{id}/runs/{run_id}/stream", THREADS, READ, (ctx, access) -> {
      Run run = run(ctx, access);
      stream(ctx, access, run.id(), lastEventId(ctx));
    });
  }

  private Run startRun(Context ctx, Access access) {
    return startRun(access, ctx.pathParam("id"), respond.bodies().read(ctx, CreateRun.class));
  }

  /**
   * Starts a run on thread {@code threadId} as {@code POST /v1/threads/{id}/runs} does; the
   * caller has authorized {@code threads.create_run} on that thread into {@code access}. The
   * WebSocket's {@code run} frame comes here too.
   *
   * @param body the request body: {@code {"input": {"messages": [...]}}}
   * @return the run, started; its events follow on the thread
   * @throws PortcullisException {@code not_found} when the access does not see the thread,
   *     {@code invalid_request} for bad input
   */
  Run startRun(Access access, String threadId, byte[] body) {
    return startRun(access, threadId, respond.bodies().parse(body, CreateRun.class));
  }

  private Run startRun(Access access, String threadId, CreateRun body) {
    AgentThread thread = store.threads().find(access.scope(), threadId)
        .orElseThrow(() -> PortcullisException.notFound("Thread"));
    if (body.input() == null || body.input().messages() == null) {
      throw PortcullisException.invalidRequest("input.messages is required.");
    }
    List<Runs.Input> input = body.input().messages().stream()
        .map(m -> {
          if (m == null) {
            throw PortcullisException.invalidRequest("input.messages must not hold null.");
          }
          return new Runs.Input(m.role(), m.content());
        }).toList();
    // The thread's agent is in the project by construction; it is read without the thread filter.
    Agent agent = agent(Scope.project(thread.projectId()), thread.agentId());
    return runs.start(thread, agent, input);
  }

  /**
   * Streams the run's events from {@code after}. Between events (at least every poll of
   * {@link RunEvents}) the credential is checked again: once it has expired or been revoked, a
   * last {@code event: error} names the code and the stream ends; the run goes on, and a client
   * with a fresh credential resumes with {@code Last-Event-ID}.
   */
  private void stream(Context ctx, Access access, String runId, long after) throws Exception {
    SseStream sse = SseStream.start(ctx.res());
    BooleanSupplier open = () -> {
      if (!sse.isOpen()) {
        return false;
      }
      Optional<PortcullisException> lapsed = access.credentialCheck().lapsed();
      lapsed.ifPresent(refusal -> sse.sendError(respond.json(ErrorRenderer.body(refusal.code(), refusal.getMessage(),
          ErrorRenderer.requestId(ctx)).get("error"))));
      return lapsed.isEmpty();
    };
    try {
      events.follow(runId, after, sse::send, open);
    } catch (UncheckedIOException clientGone) {
      // The client disconnected; the run goes on and can be rejoined.
    }
  }

  private static long lastEventId(Context ctx) {
    String header = ctx.header("Last-Event-ID");
    if (header == null || header.isBlank()) {
      return 0;
    }
    try {
      long id = Long.parseLong(header.strip());
      if (id >= 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw PortcullisException.invalidRequest("Last-Event-ID must be an event id this stream sent.");
  }

  private AgentThread thread(Context ctx, Access access) {
    return store.threads().find(access.scope(), ctx.pathParam("id"))
        .orElseThrow(() -> PortcullisException.notFound("Thread"));
  }

  private Run run(Context ctx, Access access) {
    AgentThread thread = thread(ctx, access);
    return store.runs().find(thread.id(), ctx.pathParam("run_id"))
        .orElseThrow(() -> PortcullisException.notFound("Run"));
  }

  private Agent agent(Scope scope, String id) {
    return store.agents().find(Scope.project(scope.projectId()), id)
        .orElseThrow(() -> PortcullisException.notFound("Agent"));
  }
}
