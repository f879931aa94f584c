#pragma once
// Networks. egg owns only networks carrying its instance label; these calls do not check that,
// callers (converge) do, with the labels returned by inspect/list.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "egg/engine/client.hpp"

namespace egg::engine {

using Labels = std::map<std::string, std::string>;

// Creates a bridge network; returns its id. A name that exists already is ApiError 409 (asked
// for with CheckDuplicate, which Docker 20.10 needs and 1.44+ ignores because it always checks).
std::string create_network(Engine& e, const std::string& name, const Labels& labels, bool internal = false);
// The network's inspect body, or nullopt if there is none by that name or id.
std::optional<json::value> inspect_network(Engine& e, const std::string& name_or_id);
// Removes a network; false if it did not exist.
bool remove_network(Engine& e, const std::string& name_or_id);
// Networks carrying every one of `labels` (value "" matches any value of that key).
std::vector<json::value> list_networks(Engine& e, const Labels& labels);

// Helpers shared by every resource file.
json::object to_json(const Labels& labels);
Labels labels_of(const json::value& v);  // Labels from an object with "Labels" (or Config.Labels)
std::vector<std::pair<std::string, std::string>> filter_pairs(const Labels& labels);

}  // namespace egg::engine
