#include "cli/remote_input.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>

#include "cli/arguments.hpp"
#include "common/error.hpp"
#include "net/retrieval.hpp"

namespace dcmlens::cli {

namespace {

// Retrieved instances of this process by name (a CLI run is short; the bytes are what render
// decodes).
std::mutex memoryMutex;
std::map<std::string, std::shared_ptr<const std::vector<std::uint8_t>>>& memoryInputs() {
    static std::map<std::string, std::shared_ptr<const std::vector<std::uint8_t>>> inputs;
    return inputs;
}
// Instances that came from the cache, by the resource name the network would have given them:
// outputs are named alike either way.
std::map<std::string, std::string>& cachedInputs() {
    static std::map<std::string, std::string> inputs;
    return inputs;
}

}  // namespace

void applyServerOptions(net::Server& server, const std::optional<std::string>& callingAet,
                        const std::optional<std::string>& storePort,
                        const std::optional<std::string>& timeout) {
    if (callingAet) {
        if (callingAet->empty() || callingAet->size() > 16) {
            throw UsageError{"--calling-aet needs an AE title of 1 to 16 characters"};
        }
        server.callingAet = *callingAet;
    }
    if (storePort) {
        const int port = parseInt("--store-port", *storePort, 1);
        if (port > 65535) {
            throw UsageError{"--store-port needs a port between 1 and 65535"};
        }
        server.storePort = port;
    }
    if (timeout) {
        double seconds = 0;
        try {
            seconds = std::stod(*timeout);
        } catch (...) {
            seconds = 0;
        }
        if (!(seconds > 0) || seconds > 3600) {
            throw UsageError{"--timeout needs seconds between 0 and 3600"};
        }
        server.connectTimeout = seconds;
        server.transferTimeout = seconds;
    }
}

std::unique_ptr<net::InstanceCache> openInstanceCache() {
    std::uint64_t limit = net::InstanceCache::kDefaultLimit;
    try {
        if (auto configured = net::loadServerConfig().cacheLimitBytes) {
            limit = *configured;
        }
    } catch (const Error&) {
        // A URL needs no configuration; a broken servers.json is reported where it is used.
    }
    return std::make_unique<net::InstanceCache>(net::InstanceCache::defaultDirectory(), limit);
}

std::vector<std::string> expandInputs(const std::vector<std::string>& inputs, bool* remote,
                                      std::vector<std::string>* problems) {
    std::vector<std::string> out;
    if (remote) {
        *remote = false;
    }
    std::unique_ptr<net::InstanceCache> cache;
    for (const std::string& input : inputs) {
        std::optional<net::SeriesLocation> location;
        try {
            location = net::parseSeriesLocation(input);
        } catch (const Error& e) {
            throw Error(input + ": " + e.what());
        }
        if (!location) {
            out.push_back(input);
            continue;
        }
        if (remote) {
            *remote = true;
        }
        if (!cache) {
            cache = openInstanceCache();
        }
        net::SeriesRetrieval::Options options;
        options.cache = cache->usable() ? cache.get() : nullptr;
        net::SeriesRetrieval retrieval(*location, options);
        std::vector<std::shared_ptr<const model::Instance>> headers;
        std::vector<std::string> errors;
        for (;;) {
            retrieval.wait(std::chrono::milliseconds(200));
            for (auto& a : retrieval.take()) {
                headers.push_back(a.header);
            }
            for (auto& e : retrieval.takeErrors()) {
                errors.push_back(std::move(e));
            }
            if (retrieval.progress().finished) {
                for (auto& a : retrieval.take()) {
                    headers.push_back(a.header);
                }
                for (auto& e : retrieval.takeErrors()) {
                    errors.push_back(std::move(e));
                }
                break;
            }
        }
        if (headers.empty()) {
            throw Error(errors.empty() ? input + ": the server sent no instance" : errors.front());
        }
        if (problems) {
            problems->insert(problems->end(), errors.begin(), errors.end());
        }
        std::stable_sort(headers.begin(), headers.end(), [](const auto& a, const auto& b) {
            return a->geometry.instanceNumber.value_or(0) < b->geometry.instanceNumber.value_or(0);
        });
        std::lock_guard<std::mutex> lock(memoryMutex);
        for (const auto& h : headers) {
            const std::string name = retrieval.resourceName(h->sopInstanceUid);
            if (h->encoded) {
                memoryInputs()[name] = h->encoded;
            } else {
                cachedInputs()[name] = h->path;
            }
            out.push_back(name);
        }
    }
    return out;
}

std::unique_ptr<dicom::DicomFile> openInput(const std::string& path) {
    std::shared_ptr<const std::vector<std::uint8_t>> bytes;
    {
        std::lock_guard<std::mutex> lock(memoryMutex);
        const auto it = memoryInputs().find(path);
        if (it != memoryInputs().end()) {
            bytes = it->second;
        }
        const auto cached = cachedInputs().find(path);
        if (cached != cachedInputs().end()) {
            return std::make_unique<dicom::DicomFile>(cached->second);
        }
    }
    if (bytes) {
        return std::make_unique<dicom::DicomFile>(bytes, path);
    }
    return std::make_unique<dicom::DicomFile>(path);
}

}  // namespace dcmlens::cli
