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

  @Test
  void memorySizes() {
    assertEquals(4L << 30, MemoryPlan.parseBytes("4g"));
    assertEquals(1500L << 20, MemoryPlan.parseBytes("1500M"));
    assertEquals(2048, MemoryPlan.parseBytes("2048"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryPlan.parseBytes("lots"));
    assertEquals("Cannot read the memory size \"lots\": use a positive number with k, m, g or t, e.g. 4g", e.getMessage());
  }
}
