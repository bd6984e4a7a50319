package dev.portcullis.store;

/** The SQL dialects Portcullis runs on; each has its own migrations. */
public enum Dialect {
  SQLITE("sqlite"),
  POSTGRES("postgres");

  private final String migrationFolder;

  Dialect(String migrationFolder) {
    this.migrationFolder = migrationFolder;
  }

  /** The Flyway location of this dialect's migrations. */
  public String migrations() {
    return "classpath:db/migration/" + migrationFolder;
  }
}
