package kafkapipeline.launcher;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gives a finished file its final name without ever replacing one that is there: of several
 * processes publishing to one name at once, exactly one wins and the others' files are dropped.
 * Readers of the final name therefore only ever see one complete file, which never changes (its
 * size and mtime stay what the first reader saw).
 */
final class FilePublish {

  private FilePublish() {}

  /**
   * Publishes {@code temp} (in the same folder) as {@code target} unless {@code target} exists.
   * {@code temp} is gone afterwards either way.
   *
   * @return true if this call published it, false if {@code target} already existed
   * @throws IOException if neither happened (then {@code temp} is deleted too)
   */
  static boolean withoutReplacing(Path temp, Path target) throws IOException {
    try {
      // A hard link is created atomically and fails if the name exists: unlike a rename
      // (ATOMIC_MOVE), it never replaces the file another process already published.
      Files.createLink(target, temp);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | IOException e) {
      if (Files.exists(target)) {
        return false;
      }
      // No hard links on this file system: a rename that refuses an existing target. Two
      // publishers can then both see no target and the later one wins; both wrote a complete file.
      try {
        Files.move(temp, target);
        return true;
      } catch (FileAlreadyExistsException lost) {
        return false;
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
