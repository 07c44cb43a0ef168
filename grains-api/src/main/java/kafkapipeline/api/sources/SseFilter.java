package kafkapipeline.api.sources;

import java.util.List;

/**
 * Drops an SSE event before it is published when the text at {@code pointer} in its data is one of
 * {@code dropValues} (Wikimedia's canary events: pointer {@code /meta/domain}, value {@code
 * canary}). Dropped events are counted, not published.
 *
 * @param pointer JSON Pointer into the event's data
 * @param dropValues the values that drop the event
 */
public record SseFilter(String pointer, List<String> dropValues) {}
