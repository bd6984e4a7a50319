package dev.portcullis.core.policy;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelVariableResolver;
import dev.portcullis.spi.Principal;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one place CEL is used: compiling and type-checking policy expressions over the variables
 * {@code principal} and {@code resource} (both maps from string to dyn, so that
 * {@code resource.metadata.owner} type-checks) with the standard macros ({@code has}, {@code all},
 * {@code exists}, {@code map}, {@code filter}), and converting values into and out of CEL.
 */
final class CelExpressions {

  static final String PRINCIPAL = "principal";
  static final String RESOURCE = "resource";

  private static final MapType OBJECT = MapType.create(SimpleType.STRING, SimpleType.DYN);
  private static final CelCompiler CONDITIONS = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar(PRINCIPAL, OBJECT).addVar(RESOURCE, OBJECT).setResultType(SimpleType.BOOL).build();
  private static final CelCompiler VALUES = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar(PRINCIPAL, OBJECT).addVar(RESOURCE, OBJECT).build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private CelExpressions() {}

  /** A compiled expression; thread-safe. */
  record Compiled(String source, CelRuntime.Program program, CelKind resultKind) {

    /** Evaluates with {@code resource} fetched only if the expression reads it. */
    Object eval(Map<String, Object> principal, Supplier<Map<String, Object>> resource) throws CelEvaluationException {
      CelVariableResolver variables = name -> switch (name) {
        case PRINCIPAL -> Optional.of(principal);
        case RESOURCE -> Optional.of(toCel(resource.get()));
        default -> Optional.empty();
      };
      return program.eval(variables);
    }
  }

  /** Compiles a condition, which must be of type bool. */
  static Compiled condition(String source) {
    return compile(CONDITIONS, source);
  }

  /** Compiles a value expression of any type. */
  static Compiled value(String source) {
    return compile(VALUES, source);
  }

  private static Compiled compile(CelCompiler compiler, String source) {
    try {
      CelAbstractSyntaxTree ast = compiler.compile(source).getAst();
      return new Compiled(source, RUNTIME.createProgram(ast), ast.getResultType().kind());
    } catch (CelValidationException e) {
      List<CelIssue> issues = e.getErrors();
      if (issues.isEmpty()) {
        throw new IllegalArgumentException(e.getMessage());
      }
      CelIssue first = issues.get(0);
      int column = first.getSourceLocation().getColumn();
      throw new IllegalArgumentException(
          first.getMessage() + (column >= 0 ? " (column " + (column + 1) + " of `" + source + "`)" : ""));
    } catch (dev.cel.common.CelException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  /** The {@code principal} variable: absent project and workspace are empty strings. */
  static Map<String, Object> principal(Principal principal) {
    return Map.of(
        "kind", principal.kind().wireName(),
        "identity", principal.identity(),
        "workspace_id", principal.workspaceId().orElse(""),
        "project_id", principal.projectId().orElse(""),
        "claims", toCel(principal.claims()));
  }

  /** Java values as CEL expects them: longs, doubles, lists and maps; null entries dropped. */
  static Map<String, Object> toCel(Map<?, ?> map) {
    Map<String, Object> result = new LinkedHashMap<>();
    map.forEach((key, value) -> {
      if (key != null && value != null) {
        result.put(key.toString(), toCelValue(value));
      }
    });
    return result;
  }

  private static Object toCelValue(Object value) {
    return switch (value) {
      case String s -> s;
      case Boolean b -> b;
      case Long l -> l;
      case Double d -> d;
      case Integer i -> i.longValue();
      case Short s -> s.longValue();
      case Byte b -> b.longValue();
      case Float f -> f.doubleValue();
      case BigInteger i -> i.bitLength() < 64 ? (Object) i.longValue() : i.doubleValue();
      case BigDecimal d -> d.doubleValue();
      case Map<?, ?> m -> toCel(m);
      case Collection<?> c -> c.stream().filter(v -> v != null).map(CelExpressions::toCelValue).toList();
      default -> value.toString();
    };
  }

  /**
   * A CEL result as a plain Java value: String, Long, Double, Boolean, List or Map.
   *
   * @throws IllegalArgumentException for null, bytes and other values with no JSON form
   */
  static Object fromCel(Object value) {
    return switch (value) {
      case String s -> s;
      case Boolean b -> b;
      case Long l -> l;
      case Double d -> d;
      case UnsignedLong u -> u.longValue();
      case Map<?, ?> m -> {
        Map<String, Object> result = new LinkedHashMap<>();
        m.forEach((k, v) -> result.put(String.valueOf(k), fromCel(v)));
        yield result;
      }
      case Collection<?> c -> {
        List<Object> result = new ArrayList<>(c.size());
        c.forEach(v -> result.add(fromCel(v)));
        yield List.copyOf(result);
      }
      case null -> throw new IllegalArgumentException("evaluated to null");
      default -> throw new IllegalArgumentException("evaluated to a " + value.getClass().getSimpleName()
          + ", which is not a string, number, boolean, list or map");
    };
  }
}
