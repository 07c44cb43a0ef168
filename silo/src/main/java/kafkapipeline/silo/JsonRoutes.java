package kafkapipeline.silo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.server.RejectionHandler;

/** JSON responses, and rejections (bad path, method, body, parameter) as {@code {"error": ...}}. */
final class JsonRoutes {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private JsonRoutes() {}

  static HttpResponse json(StatusCode status, Object body) {
    try {
      return HttpResponse.create().withStatus(status)
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(body)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse error(StatusCode status, String message) {
    return json(status, new ApiModel.Error(message));
  }

  /** Pekko HTTP's own rejection messages, with their status codes, as JSON errors. */
  static RejectionHandler jsonRejections() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(response -> {
      if (response.entity() instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict strict
          && !strict.getContentType().equals(ContentTypes.APPLICATION_JSON)) {
        String text = strict.getData().utf8String();
        return error(response.status(), text);
      }
      return response;
    });
  }
}
