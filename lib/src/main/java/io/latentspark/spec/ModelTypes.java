package io.latentspark.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of model types: {@code model.type} word -> how its spec is read from the {@code model} section. */
public final class ModelTypes {
  private ModelTypes() {}

  /** Reads one model type's spec from the {@code model} section, given the shared settings already read. */
  @FunctionalInterface
  interface SpecReader {
    AutoencoderSpec read(Reader model, NetworkSettings network);
  }

  private static final Map<String, SpecReader> TYPES = new LinkedHashMap<>();

  static {
    TYPES.put(DenseSpec.TYPE, DenseSpec::read);
    TYPES.put(DenoisingSpec.TYPE, DenoisingSpec::read);
    TYPES.put(SparseSpec.TYPE, SparseSpec::read);
    TYPES.put(ContractiveSpec.TYPE, ContractiveSpec::read);
    TYPES.put(StackedSpec.TYPE, StackedSpec::read);
    TYPES.put(InpaintingSpec.TYPE, InpaintingSpec::read);
    TYPES.put(ConvSpec.TYPE, ConvSpec::read);
    TYPES.put(ConvDenoisingSpec.TYPE, ConvDenoisingSpec::read);
    TYPES.put(VaeSpec.TYPE, VaeSpec::read);
    TYPES.put(Seq2SeqSpec.TYPE, Seq2SeqSpec::read);
  }

  /** The registered {@code model.type} words, in the order the docs list them. */
  public static List<String> names() {
    return List.copyOf(TYPES.keySet());
  }

  /** Reads {@code model.type} and that type's settings; errors name the key, the value and the rule. */
  public static AutoencoderSpec read(Reader model, NetworkSettings network) {
    return TYPES.get(model.word("type", names())).read(model, network);
  }
}
