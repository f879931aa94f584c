#pragma once
// Volumes. Creating a name that exists returns the existing volume unchanged, labels included
// (moby volume/service/store.go, v20.10.24), so create_volume checks the labels of what it got
// back: a volume egg did not create must never be adopted silently.
#include <optional>
#include <string>
#include <vector>

#include "egg/engine/networks.hpp"

namespace egg::engine {

// Creates (or finds) a local volume. If a volume of that name exists but lacks any of
// `required_labels` (with the same value), throws Error(Exit::precondition) naming the volume and
// the labels it has. Returns the volume's inspect body.
json::value create_volume(Engine& e, const std::string& name, const Labels& labels, const Labels& required_labels);
std::optional<json::value> inspect_volume(Engine& e, const std::string& name);
// Removes a volume; false if it did not exist. A volume in use is ApiError 409.
bool remove_volume(Engine& e, const std::string& name, bool force = false);
std::vector<json::value> list_volumes(Engine& e, const Labels& labels);

}  // namespace egg::engine
