package dev.transom.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * H2's files seen through {@link DiskFullFault}: the database URL names this scheme when the fault
 * is armed, and a write fails while the database's marker exists. Failing below H2, not in front of
 * it, is the point: H2 then does what it does on a real full disk (closes the database), and the
 * reopen that recovers from that is what gets tested.
 *
 * <p>Public with a public constructor because H2 creates one per path by reflection; the fault is
 * therefore static, set by the one {@link Database} of the process that armed it.
 */
public final class DiskFullFilePath extends FilePathWrapper {
  static final String SCHEME = "transom-disk-full";
  private static volatile DiskFullFault fault = DiskFullFault.NONE;

  public DiskFullFilePath() {}

  /** Makes the scheme known to H2, failing writes as {@code f} says. */
  static synchronized void register(DiskFullFault f) {
    fault = f;
    FilePath.register(new DiskFullFilePath());
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public FileChannel open(String mode) throws IOException {
    return new Channel(super.open(mode));
  }

  /** Passes everything through but writes, which fail while the marker exists. */
  private static final class Channel extends FileBase {
    private final FileChannel base;

    Channel(FileChannel base) {
      this.base = base;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      fault.check(DiskFullFault.DATABASE);
      return base.write(src);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      fault.check(DiskFullFault.DATABASE);
      return base.write(src, position);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return base.read(dst);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return base.read(dst, position);
    }

    @Override
    public long position() throws IOException {
      return base.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      base.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return base.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      base.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      base.force(metaData);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return base.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      base.close();
    }
  }
}
