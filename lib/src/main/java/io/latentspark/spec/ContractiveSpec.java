package io.latentspark.spec;

/**
 * {@code contractive}: the dense network whose sigmoid code layer adds lambda x ||dh/dx||_F^2 to the loss
 * ({@code model.contractive.lambda}).
 */
public record ContractiveSpec(NetworkSettings network, double lambda) implements DenseFamilySpec {
  public static final String TYPE = "contractive";

  static ContractiveSpec read(Reader model, NetworkSettings network) {
    if (network.latentActivation() != Activation.SIGMOID) {
      throw model.invalid("latentActivation", network.latentActivation().configName(), "a contractive autoencoder's penalty is in closed "
          + "form for sigmoid latent units: set model.latentActivation = sigmoid");
    }
    return new ContractiveSpec(network, model.section("contractive").nonNegativeNumber("lambda"));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public CodeBlock codeBlock() {
    return (plan, nIn, corruption) -> {
      plan.add(new LayerSpec.Contractive(nIn, network.latentSize(), lambda)).latent();
      return network.latentSize();
    };
  }
}
