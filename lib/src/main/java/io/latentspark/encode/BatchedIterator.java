package io.latentspark.encode;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Groups an iterator's items into batches of at most {@code size}, maps each batch to a list of outputs
 * and iterates over those: only one batch is held in memory at a time.
 */
public final class BatchedIterator<I, O> implements Iterator<O> {
  /** A batch function that can travel in a Spark closure. */
  public interface BatchFunction<I, O> extends Function<List<I>, List<O>>, Serializable {}

  private final Iterator<I> in;
  private final int size;
  private final Function<List<I>, List<O>> fn;
  private Iterator<O> current = Collections.emptyIterator();

  public BatchedIterator(Iterator<I> in, int size, BatchFunction<I, O> fn) {
    this.in = in;
    this.size = size;
    this.fn = fn;
  }

  @Override
  public boolean hasNext() {
    while (!current.hasNext() && in.hasNext()) {
      List<I> batch = new ArrayList<>(size);
      while (batch.size() < size && in.hasNext()) {
        batch.add(in.next());
      }
      current = fn.apply(batch).iterator();
    }
    return current.hasNext();
  }

  @Override
  public O next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return current.next();
  }
}
