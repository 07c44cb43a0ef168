package kafkapipeline.silo;

import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The dashboard: {@code GET /} is {@code dashboard/index.html} and {@code /dashboard/...} the files
 * beside it, all from the silo's classpath (nothing is fetched from elsewhere). The page gathers
 * its figures by polling the JSON API while it is open; a missing file is a 404.
 */
final class DashboardRoutes extends AllDirectives {
  Route routes() {
    return concat(
        pathSingleSlash(() -> get(() -> getFromResource("dashboard/index.html"))),
        pathPrefix("dashboard", () -> get(() -> getFromResourceDirectory("dashboard"))));
  }
}
