package dev.portcullis.store.internal;

import dev.portcullis.core.domain.Project;
import dev.portcullis.core.secret.ResourceIds;
import dev.portcullis.core.store.Page;
import dev.portcullis.core.store.PageRequest;
import dev.portcullis.core.store.ProjectStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Projects and the admin key's hash. */
public final class JdbcProjectStore implements ProjectStore {

  private final Database db;

  public JdbcProjectStore(Database db) {
    this.db = db;
  }

  @Override
  public Project create(String name) {
    Project p = new Project(ResourceIds.next("prj_"), name, db.now());
    db.update("INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?)", p.id(), p.name(), p.createdAt());
    return p;
  }

  @Override
  public Optional<Project> find(String id) {
    return db.queryOne("SELECT * FROM projects WHERE id = ?", JdbcProjectStore::map, id);
  }

  @Override
  public Page<Project> list(PageRequest page) {
    return Paging.page(db, "SELECT * FROM projects WHERE 1 = 1", JdbcProjectStore::map, page, List.of());
  }

  @Override
  public boolean delete(String id) {
    return db.update("DELETE FROM projects WHERE id = ?", id) == 1;
  }

  @Override
  public Optional<String> adminKeyHash() {
    return db.queryOne("SELECT hash FROM admin_key WHERE singleton = 1", rs -> rs.getString(1));
  }

  @Override
  public boolean initAdminKeyHash(String hash) {
    return db.update("INSERT INTO admin_key (singleton, hash, updated_at) VALUES (1, ?, ?) "
        + "ON CONFLICT (singleton) DO NOTHING", hash, db.now()) == 1;
  }

  @Override
  public void replaceAdminKeyHash(String hash) {
    Instant now = db.now();
    db.update("INSERT INTO admin_key (singleton, hash, updated_at) VALUES (1, ?, ?) "
        + "ON CONFLICT (singleton) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at",
        hash, now);
  }

  private static Project map(ResultSet rs) throws SQLException {
    return new Project(rs.getString("id"), rs.getString("name"), Database.time(rs, "created_at"));
  }
}
