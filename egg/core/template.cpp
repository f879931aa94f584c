#include "egg/core/template.hpp"

#include <set>

#include "egg/core/embedded.hpp"
#include "egg/core/exit.hpp"

namespace egg::core {

std::string render_template(std::string_view name, std::string_view text, const TemplateVars& vars) {
  std::string out;
  out.reserve(text.size());
  std::set<std::string, std::less<>> used;
  std::size_t pos = 0;
  while (true) {
    auto open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos)
      throw Error(Exit::failed, "template " + std::string(name) + ": unclosed '{{' at offset " + std::to_string(open));
    out.append(text.substr(pos, open - pos));
    std::string_view key = text.substr(open + 2, close - open - 2);
    while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
    while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
    auto it = vars.find(key);
    if (it == vars.end())
      throw Error(Exit::failed, "template " + std::string(name) + ": no value for {{" + std::string(key) + "}}");
    out.append(it->second);
    used.insert(it->first);
    pos = close + 2;
  }
  for (const auto& kv : vars)
    if (!used.count(kv.first))
      throw Error(Exit::failed, "template " + std::string(name) + " does not use the value '" + kv.first + "'");
  return out;
}

std::string render_embedded(std::string_view path, const TemplateVars& vars) {
  auto text = embedded::find(path);
  if (!text) throw Error(Exit::failed, "this egg binary carries no template " + std::string(path));
  return render_template(path, *text, vars);
}

}  // namespace egg::core
