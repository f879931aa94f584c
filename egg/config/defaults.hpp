#pragma once
// Defaults that depend on other values (the domain, which components run), shared by parse()
// and defaults() so a file that omits a key means exactly what `egg init` would have written.
#include <vector>

#include "egg/config/config.hpp"

namespace egg::config {

// A local copy always; the stack's own S3 store too when it runs (never the only copy).
std::vector<Destination> default_destinations(const Components& components);

// Fills admin_email from the domain, and the destinations when the file gave none.
void fill_derived_defaults(Config& config, bool fill_destinations);

}  // namespace egg::config
