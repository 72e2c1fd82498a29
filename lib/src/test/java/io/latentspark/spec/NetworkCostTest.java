package io.latentspark.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latentspark.TestData;
import org.junit.jupiter.api.Test;

/** Multiply-adds per example, counted by hand for the shipped dense, conv and seq2seq networks. */
class NetworkCostTest {
  @Test
  void denseConvAndSeq2SeqNetworksCostWhatTheirLayersDo() {
    // 784-256-64-32 and back: 2 x (784 x 256 + 256 x 64 + 64 x 32)
    NetworkPlan dense = TestData.config("model.encoderLayers=[256,64]", "model.latentSize=32").plan();
    assertEquals(438_272, NetworkCost.forwardMacs(dense));
    assertEquals(6 * 438_272, NetworkCost.trainFlopsPerExample(dense));
    // conf/mnist-conv.conf's network: convolutions 1->32 (14x14 out) and 32->64 (7x7 out), kernel 3; dense 3136 <-> 32;
    // transposed convolutions 64->32 on 7x7 and 32->1 on 14x14
    NetworkPlan conv = TestData.config("model.type=conv", "model.conv.channels=[32,64]", "model.conv.kernel=3", "model.latentSize=32").plan();
    double convMacs = 14 * 14 * 32 * 1 * 9 + 7 * 7 * 64 * 32 * 9 + 3136 * 32 + 32 * 3136 + 7 * 7 * 64 * 32 * 9 + 14 * 14 * 32 * 1 * 9;
    assertEquals(convMacs, NetworkCost.forwardMacs(conv));
    // rows as 28 steps of 28 values: LSTM 28->16, code 16->32, LSTM 32->16 over 28 steps, 16->28 per step
    NetworkPlan seq = TestData.config("model.type=seq2seq", "model.seq2seq.hidden=16", "model.latentSize=32").plan();
    assertEquals(28 * 4 * 16 * (28 + 16) + 16 * 32 + 28 * 4 * 16 * (32 + 16) + 28 * 16 * 28, NetworkCost.forwardMacs(seq));
    // a VAE's code layer outputs mu and log-variance (2 x 32); its decoder starts from 32
    NetworkPlan vae = TestData.config("model.type=vae", "model.encoderLayers=[256,64]", "model.latentSize=32").plan();
    assertEquals(784 * 256 + 256 * 64 + 64 * 64 + 32 * 64 + 64 * 256 + 256 * 784, NetworkCost.forwardMacs(vae));
  }
}
