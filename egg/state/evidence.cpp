#include "egg/state/evidence.hpp"

#include "egg/core/files.hpp"
#include "egg/core/redact.hpp"

namespace egg::state {

std::filesystem::path write_evidence(const std::filesystem::path& state_dir, const std::string& kind,
                                     const std::string& time, const core::json::value& doc) {
  auto dir = state_dir / "evidence";
  core::ensure_private_dir(dir);
  std::string stamp = time;
  for (auto& ch : stamp)
    if (ch == ':') ch = '-';
  auto path = dir / (stamp + "-" + kind + ".json");
  core::write_file_atomic(path, core::redact(core::pretty_json(doc)), 0644);
  return path;
}

}  // namespace egg::state
