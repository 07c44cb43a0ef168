package kafkapipeline.grains.declarative;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import kafkapipeline.api.sources.AddressRule;
import kafkapipeline.grains.ConfigSection;

/**
 * What a declarative source may reach and send, for every source of the silo.
 *
 * @param secretsDir the folder a {@code secretHeaders} value {@code file:<name>} reads from ({@code
 *     SOURCES_SECRETS_DIR}); empty: none, so every such value fails its source's polls
 * @param addresses where a source may connect: public addresses and the networks opened by {@code
 *     SOURCES_ALLOWED_NETWORKS}
 */
public record SourceAccessSettings(Optional<Path> secretsDir, AddressRule addresses) {
  public static final String PATH = "pipeline.sources.access";

  /**
   * Reads and checks section {@value #PATH} of {@code config} (the whole configuration).
   *
   * @throws IllegalArgumentException naming the setting's path: a secrets folder that is not one, a
   *     network that is not a CIDR
   */
  public static SourceAccessSettings fromConfig(Config config) {
    ConfigSection s = ConfigSection.of(config, PATH);
    String dir = s.string("secrets-dir").strip();
    Optional<Path> secrets = dir.isEmpty() ? Optional.empty() : Optional.of(Path.of(dir));
    if (secrets.isPresent() && !Files.isDirectory(secrets.get()))
      throw new IllegalArgumentException(
          s.path("secrets-dir") + " (SOURCES_SECRETS_DIR) must be a folder, was '" + dir + "'");
    AddressRule addresses;
    try {
      addresses = AddressRule.parse(s.string("allowed-networks"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          s.path("allowed-networks")
              + " ("
              + AddressRule.SETTING
              + ", comma-separated CIDRs such as 127.0.0.0/8): "
              + e.getMessage(),
          e);
    }
    return new SourceAccessSettings(secrets, addresses);
  }

  /** No secrets folder, public addresses only. */
  public static SourceAccessSettings defaults() {
    return new SourceAccessSettings(Optional.empty(), AddressRule.publicOnly());
  }
}
