package dev.portcullis.core.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.domain.Agent;
import dev.portcullis.core.domain.AgentThread;
import dev.portcullis.core.domain.Message;
import dev.portcullis.core.domain.Run;
import dev.portcullis.core.error.ErrorCode;
import dev.portcullis.core.error.PortcullisException;
import dev.portcullis.core.model.ChatModel;
import dev.portcullis.core.model.ModelCatalog;
import dev.portcullis.core.secret.ResourceIds;
import dev.portcullis.core.store.MessageStore;
import dev.portcullis.core.store.RunStore;
import dev.portcullis.core.view.JsonViews;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts runs of a thread's agent and executes them in the background, emitting the events
 * of API.md section 4: {@code run.created}, {@code message.delta}, {@code message.completed},
 * then {@code run.completed} or {@code run.failed}. A run goes on when the client that
 * started it disconnects; anyone allowed to read the thread can rejoin its stream.
 * Thread-safe.
 */
public final class Runs {

  private static final Logger LOG = LoggerFactory.getLogger(Runs.class);
  /** How many of a thread's newest messages a model is shown. */
  static final int CONTEXT_MESSAGES = 100;
  static final int MAX_CONTENT_LENGTH = 100_000;

  private final RunStore runs;
  private final MessageStore messages;
  private final RunEvents events;
  private final ModelCatalog models;
  private final Executor executor;
  private final ObjectMapper json;

  public Runs(RunStore runs, MessageStore messages, RunEvents events, ModelCatalog models,
      Executor executor, ObjectMapper json) {
    this.runs = runs;
    this.messages = messages;
    this.events = events;
    this.models = models;
    this.executor = executor;
    this.json = json;
  }

  /** One input message of a run. */
  public record Input(String role, String content) {}

  /**
   * Validates the input, stores the run and its input messages, emits {@code run.created}
   * and executes the run in the background.
   *
   * @param thread a thread the caller was allowed to run
   * @return the run, still {@code running}
   */
  public Run start(AgentThread thread, Agent agent, List<Input> input) {
    validate(input);
    ChatModel model = models.resolve(agent.model());
    Run run = runs.create(thread.id(), agent.id());
    for (Input message : input) {
      messages.append(ResourceIds.next("msg_"), thread.id(), Optional.of(run.id()), message.role(),
          message.content());
    }
    emit(run, "run.created", Map.of("run", JsonViews.run(run, List.of())));
    executor.execute(() -> execute(run, agent, thread, model));
    return run;
  }

  /**
   * Fails every run still marked running, with a {@code run.failed} event so that its streams
   * end. Only for a database no other server executes runs on (embedded SQLite): after a crash
   * those runs will never finish otherwise.
   *
   * @return how many runs were failed
   */
  public int failInterrupted() {
    List<Run> interrupted = runs.running();
    for (Run run : interrupted) {
      fail(run, new PortcullisException(ErrorCode.UNAVAILABLE, "The server restarted during this run."));
    }
    return interrupted.size();
  }

  /** The run with its output, as API.md shows it. */
  public Map<String, Object> view(Run run) {
    return JsonViews.run(run, messages.ofRun(run.id()).stream()
        .filter(m -> m.role().equals("assistant")).toList());
  }

  private void execute(Run run, Agent agent, AgentThread thread, ChatModel model) {
    String messageId = ResourceIds.next("msg_");
    try {
      List<ChatModel.Turn> turns = messages.latest(thread.id(), CONTEXT_MESSAGES).stream()
          .map(m -> new ChatModel.Turn(m.role(), m.content())).toList();
      String answer = model.reply(new ChatModel.Conversation(agent.system(), turns), delta ->
          emit(run, "message.delta", delta(run.id(), messageId, delta)));
      Message message = messages.append(messageId, thread.id(), Optional.of(run.id()), "assistant", answer);
      emit(run, "message.completed", Map.of("message", JsonViews.message(message)));
      Run done = runs.finish(run.id(), Run.Status.COMPLETED, Optional.empty());
      emit(run, "run.completed", Map.of("run", view(done)));
    } catch (RuntimeException e) {
      fail(run, e);
    }
  }

  private void fail(Run run, RuntimeException cause) {
    ErrorCode code = cause instanceof PortcullisException p ? p.code() : ErrorCode.INTERNAL;
    String message = cause instanceof PortcullisException ? cause.getMessage() : "The run failed.";
    if (!(cause instanceof PortcullisException)) {
      LOG.error("run {} failed", run.id(), cause);
    }
    try {
      Run failed = runs.finish(run.id(), Run.Status.FAILED, Optional.of(message));
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("code", code.code());
      error.put("message", message);
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("run", view(failed));
      data.put("error", error);
      emit(run, "run.failed", data);
    } catch (RuntimeException e) {
      LOG.error("run {} could not be marked failed", run.id(), e);
    }
  }

  private static Map<String, Object> delta(String runId, String messageId, String delta) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("run_id", runId);
    data.put("message_id", messageId);
    data.put("delta", delta);
    return data;
  }

  private void emit(Run run, String event, Map<String, Object> data) {
    try {
      events.append(run.threadId(), run.id(), event, json.writeValueAsString(data));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("event data is always serialisable", e);
    }
  }

  private static void validate(List<Input> input) {
    if (input.isEmpty()) {
      throw PortcullisException.invalidRequest("input.messages must hold at least one message.");
    }
    for (int i = 0; i < input.size(); i++) {
      Input m = input.get(i);
      if (!"user".equals(m.role())) {
        throw PortcullisException.invalidRequest("input.messages[" + i + "].role must be \"user\".");
      }
      validateContent(m.content(), "input.messages[" + i + "].content");
    }
  }

  /** Checks a message's text; shared by runs and by posting a message. */
  public static void validateContent(String content, String field) {
    if (content == null || content.isEmpty()) {
      throw PortcullisException.invalidRequest(field + " must be a non-empty string.");
    }
    if (content.length() > MAX_CONTENT_LENGTH) {
      throw PortcullisException.invalidRequest(field + " must be at most " + MAX_CONTENT_LENGTH + " characters.");
    }
  }
}
