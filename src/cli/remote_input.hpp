#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dicom/dicom_file.hpp"
#include "net/cache.hpp"
#include "net/server.hpp"

namespace dcmlens::cli {

// The options every command that talks to a server takes: --calling-aet AET (DIMSE, default
// DCMLENS), --store-port N (DIMSE: C-MOVE to our storage SCP on that port instead of C-GET) and
// --timeout SECONDS (connect, and without a byte arriving).
void applyServerOptions(net::Server& server, const std::optional<std::string>& callingAet,
                        const std::optional<std::string>& storePort,
                        const std::optional<std::string>& timeout);

// The instance cache, sized by servers.json's "cache_limit_mb" when that file says.
std::unique_ptr<net::InstanceCache> openInstanceCache();

// Inputs of render/info that name a series on a server (net::parseSeriesLocation) are
// retrieved (through the cache) and stand for their instances, in Instance Number order: a
// cached instance as its file, one that came over the network as a name whose bytes are kept
// in memory (openInput finds them). Other inputs are kept as they are. `remote` says whether
// any input was a series on a server. Throws dcmlens::Error ("SERIES: reason") when a series
// cannot be retrieved at all; instances that fail go to `problems`.
std::vector<std::string> expandInputs(const std::vector<std::string>& inputs, bool* remote,
                                      std::vector<std::string>* problems);

// Opens an input: a retrieved instance's bytes, else the file.
std::unique_ptr<dicom::DicomFile> openInput(const std::string& path);

}  // namespace dcmlens::cli
