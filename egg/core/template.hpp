#pragma once
// Config templates (templates/**, embedded): `{{name}}` placeholders replaced by values.
// Deliberately tiny — no conditionals or loops: anything that varies by more than a value is
// chosen in C++ (a different template), so every rendered file can be read in templates/.
#include <map>
#include <string>
#include <string_view>

namespace egg::core {

using TemplateVars = std::map<std::string, std::string, std::less<>>;

// Renders `text`. A placeholder without a value, or a value that is never used, is an Error
// naming `name` (the template's path): both mean the template and its caller disagree.
std::string render_template(std::string_view name, std::string_view text, const TemplateVars& vars);

// Renders an embedded template by path, e.g. "templates/proxy/Caddyfile".
std::string render_embedded(std::string_view path, const TemplateVars& vars);

}  // namespace egg::core
