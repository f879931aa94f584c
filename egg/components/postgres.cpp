// PostgreSQL: the official image's contract (docs/contracts/postgres.md). The superuser password
// reaches the server as a file (POSTGRES_PASSWORD_FILE), never as an env value; roles and
// databases come from templates/postgres/roles.sql, sent to psql on stdin.
#include <sodium.h>

#include "egg/components/component.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/random.hpp"
#include "egg/core/template.hpp"
#include "egg/engine/exec.hpp"

namespace egg::components {
namespace {

constexpr uid_t kPostgresUid = 999;  // the official image's postgres user
constexpr const char* kPasswordFile = "/egg/postgres-password";

std::string roles_sql(Context& ctx) {
  const auto& forgejo = ctx.creds.ensure("postgres/forgejo", {{"username", "forgejo"}, {"database", "forgejo"},
                                                              {"password", core::random_token()}});
  return core::render_embedded("templates/postgres/roles.sql", {{"forgejo_password", forgejo.at("password")}});
}

std::string digest(std::string_view s) {
  unsigned char h[crypto_generichash_BYTES];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(s.data()), s.size(), nullptr, 0);
  char hex[sizeof h * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

}  // namespace

Component postgres() {
  Component c;
  c.name = "postgres";
  c.spec = [](Context& ctx) {
    const auto& su = ctx.creds.ensure("postgres/superuser", {{"username", "postgres"}, {"password", core::random_token()}});
    roles_sql(ctx);  // generate the role passwords with the rest, before anything starts
    Spec s;
    s.component = "postgres";
    s.name = ctx.object_name("postgres");
    s.pin = config::image_pin(ctx.cfg, ctx.manifest, "postgres");
    s.env = {std::string("POSTGRES_PASSWORD_FILE=") + kPasswordFile, "POSTGRES_USER=postgres", "POSTGRES_DB=postgres",
             "PGDATA=/var/lib/postgresql/data"};
    s.volumes = {{ctx.object_name("postgres"), "/var/lib/postgresql/data"}};
    if (ctx.cfg.ports.postgres) s.ports = {{5432, "127.0.0.1", *ctx.cfg.ports.postgres}};
    // TCP, not the socket: during initdb a temporary server listens on the socket only.
    s.healthcheck = healthcheck({"CMD", "pg_isready", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres"}, 2, 5, 30, 0);
    s.stop_signal = "SIGINT";
    s.files = {{kPasswordFile, su.at("password"), 0400, kPostgresUid, kPostgresUid}};
    return s;
  };
  c.wait_ready = [](Context& ctx) { wait_healthy(ctx, "postgres", 180); };
  c.init = [](Context& ctx, bool fresh) -> std::vector<std::string> {
    std::string sql = roles_sql(ctx);
    auto& rec = ctx.st.components["postgres"];
    std::string d = digest(sql);
    if (!fresh && rec.if_contains("roles") && rec.at("roles").as_string() == d) return {};
    engine::ExecOptions opt;
    opt.user = "postgres";
    auto r = engine::exec(ctx.engine, ctx.object_name("postgres"),
                          {"psql", "-v", "ON_ERROR_STOP=1", "-q", "-U", "postgres", "-d", "postgres", "-f", "-"}, sql, opt);
    if (r.exit_code != 0)
      throw Error(Exit::failed, "applying roles and databases in " + ctx.object_name("postgres") +
                                    " failed (psql exit " + std::to_string(r.exit_code) + "): " + r.err);
    rec["roles"] = d;
    return {"roles and databases applied (forgejo)"};
  };
  return c;
}

}  // namespace egg::components
