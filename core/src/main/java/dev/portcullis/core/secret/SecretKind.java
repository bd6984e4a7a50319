package dev.portcullis.core.secret;

/** The opaque credential kinds of API.md section 2 and their prefixes. */
public enum SecretKind {
  ADMIN_KEY("pc_ak_"),
  SERVER_KEY("pc_sk_"),
  CLIENT_TOKEN("pc_ck_"),
  WS_TICKET("pc_wt_");

  private final String prefix;

  SecretKind(String prefix) {
    this.prefix = prefix;
  }

  public String prefix() {
    return prefix;
  }
}
