package io.latentspark.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.TestData;
import org.junit.jupiter.api.Test;

class MemoryPlanTest {

  @Test
  void offHeapFollowsTheModelTheBatchAndTheCores() {
    // 10 -> [4] -> 2 -> [4] -> 10: params 10*4+4 + 4*2+2 + 2*4+4 + 4*10+10 = 116
    var cfg = TestData.config("data.height=2", "data.width=5", "model.encoderLayers=[4]", "model.latentSize=2",
        "train.batchSizePerWorker=8", "train.prefetchBatches=1");
    MemoryPlan.Plan one = MemoryPlan.plan(cfg, 1, 1L << 30);
    long perTask = 116L * 4 * 6 /* adam: 6 copies */ + 8L * (10 + 4 + 2 + 4 + 10) * 4 * 3 + 2L * 8 * 10 * 4 * 2;
    assertEquals(perTask, one.offHeapPerTask());
    assertEquals((long) ((perTask + MemoryPlan.NATIVE_BASE) * MemoryPlan.SAFETY), one.offHeapBytes());
    MemoryPlan.Plan four = MemoryPlan.plan(cfg, 4, 1L << 30);
    assertEquals((long) ((4 * perTask + MemoryPlan.NATIVE_BASE) * MemoryPlan.SAFETY), four.offHeapBytes());
    assertEquals((four.offHeapBytes() >> 20) + 384, four.memoryOverheadMiB());
    assertEquals((1L << 30) + four.offHeapBytes() + (384L << 20), four.maxPhysicalBytes());
    assertTrue(four.reasoning().get(2).startsWith("per executor: 4 task(s) x "), four.reasoning().toString());
    assertTrue(four.shellVariables().get(0).matches("LS_EXECUTOR_MEMORY_OVERHEAD=\\d+m"));
  }

  /** The convolutional network's parameters and feature maps are counted from the network itself. */
  @Test
  void convolutionalModelsAreSizedFromTheirLayers() {
    // 1x8x8 -> conv 3x3/2 (4 ch, 4x4) -> dense 2 -> dense 64 (4x4x4) -> deconv 3x3/2 (1 ch, 8x8) -> loss on 64 values
    var cfg = TestData.config("model.type=conv", "data.height=8", "data.width=8", "model.conv.channels=[4]", "model.latentSize=2",
        "train.batchSizePerWorker=8", "train.prefetchBatches=1");
    long params = (9 * 4 + 4) + (64 * 2 + 2) + (2 * 64 + 64) + (9 * 4 * 1 + 1);
    long widths = 64 + 64 + 2 + 64 + 64 + 64;
    long perTask = params * 4 * 6 + 8L * widths * 4 * 3 + 2L * 8 * 64 * 4 * 2;
    assertEquals(perTask, MemoryPlan.plan(cfg, 1, 1L << 30).offHeapPerTask());
  }

  @Test
  void memorySizes() {
    assertEquals(4L << 30, MemoryPlan.parseBytes("4g"));
    assertEquals(1500L << 20, MemoryPlan.parseBytes("1500M"));
    assertEquals(2048, MemoryPlan.parseBytes("2048"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryPlan.parseBytes("lots"));
    assertEquals("Cannot read the memory size \"lots\": use a positive number with k, m, g or t, e.g. 4g", e.getMessage());
  }
}
