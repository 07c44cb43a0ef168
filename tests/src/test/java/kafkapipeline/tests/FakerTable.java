package kafkapipeline.tests;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** What table {@code fakerdata} holds, read straight from Cassandra. */
final class FakerTable {
  private FakerTable() {}

  static long count(CqlSession session) {
    return session.execute("SELECT count(*) FROM kafkapipeline.fakerdata").one().getLong(0);
  }

  /** Every id in the table, read with paging; fails on a row with any empty column. */
  static Set<UUID> idsOfCompleteRows(CqlSession session, List<String> incompleteRows) {
    Set<UUID> ids = new HashSet<>();
    for (Row row : session.execute(SimpleStatement.newInstance("SELECT * FROM kafkapipeline.fakerdata").setPageSize(5000))) {
      List<String> empty = new ArrayList<>();
      for (ColumnDefinition column : row.getColumnDefinitions()) {
        Object value = row.getObject(column.getName());
        if (value == null || (value instanceof String s && s.isBlank())) empty.add(column.getName().asInternal());
      }
      if (!empty.isEmpty()) incompleteRows.add(row.getUuid("id") + " lacks " + empty);
      ids.add(row.getUuid("id"));
    }
    return ids;
  }
}
