package io.latentspark.jobs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The part of Zeppelin's {@code z} (ZeppelinContext) the notes use: {@code show} renders a table (here: the
 * first rows, as text, and the row count is recorded), {@code textbox} is a form whose value the test sets.
 */
public final class ZeppelinContextStandIn {
  private final Map<String, Object> forms;
  private final StringBuilder shown = new StringBuilder();
  private int tables;

  public ZeppelinContextStandIn(Map<String, Object> forms) {
    this.forms = new HashMap<>(forms);
  }

  /** Like Zeppelin: the form's current value, or its default when it has none. */
  public Object textbox(String name, String defaultValue) {
    return forms.getOrDefault(name, defaultValue);
  }

  public Object textbox(String name) {
    return textbox(name, "");
  }

  public void show(Dataset<?> table) {
    show(table, 1000);
  }

  public void show(Dataset<?> table, int maxRows) {
    List<Row> rows = table.toDF().limit(maxRows).collectAsList();
    shown.append("%table ").append(String.join("\t", table.columns())).append('\n');
    for (Row r : rows) {
      shown.append(r.mkString("\t")).append('\n');
    }
    tables++;
  }

  public int tablesShown() {
    return tables;
  }

  public String shown() {
    return shown.toString();
  }
}
