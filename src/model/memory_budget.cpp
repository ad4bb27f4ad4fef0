#include "model/memory_budget.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/error.hpp"

namespace dcmlens::model {

std::uint64_t physicalMemory() {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGE_SIZE);
    if (pages > 0 && pageSize > 0) {
        return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(pageSize);
    }
    return std::uint64_t{4} << 30;
}

std::optional<std::uint64_t> parseMemorySize(const std::string& text, std::uint64_t physicalBytes) {
    std::size_t end = 0;
    double value = 0;
    try {
        value = std::stod(text, &end);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (!std::isfinite(value) || value <= 0) {
        return std::nullopt;
    }
    std::string unit = text.substr(end);
    for (char& c : unit) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (unit.size() == 2 && unit[1] == 'B') {
        unit.pop_back();  // "512MB" as "512M"
    }
    double bytes = 0;
    if (unit.empty() || unit == "B") {
        bytes = value;
    } else if (unit == "%") {
        if (value > 100) {
            return std::nullopt;
        }
        bytes = static_cast<double>(physicalBytes) * value / 100;
    } else if (unit == "K" || unit == "M" || unit == "G" || unit == "T") {
        const int power = unit == "K" ? 10 : unit == "M" ? 20 : unit == "G" ? 30 : 40;
        bytes = std::ldexp(value, power);
    } else {
        return std::nullopt;
    }
    if (bytes < 1 || bytes >= 1.8e19) {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(bytes);
}

std::uint64_t memoryBudget() {
    const std::uint64_t physical = physicalMemory();
    std::uint64_t budget = physical / 10 * 6;
    if (const char* set = std::getenv("DCMLENS_MEMORY_BUDGET"); set && *set) {
        if (auto b = parseMemorySize(set, physical)) {
            budget = *b;
        }
    }
    // Under `ulimit -v` an allocation beyond the limit fails (std::bad_alloc) rather than the
    // OOM killer stepping in; refusing earlier gives the message with the sizes instead.
    struct rlimit limit {};
    if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
        budget =
            std::min<std::uint64_t>(budget, static_cast<std::uint64_t>(limit.rlim_cur) / 10 * 6);
    }
    return budget;
}

std::string formatBytes(std::uint64_t bytes) {
    static const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024 && u < 6) {
        v /= 1024;
        ++u;
    }
    char text[48];
    if (u == 0) {
        std::snprintf(text, sizeof text, "%llu bytes", static_cast<unsigned long long>(bytes));
    } else {
        std::snprintf(text, sizeof text, "%.1f %s", v, units[u]);
    }
    return text;
}

void requireWithinBudget(std::uint64_t bytes, const std::string& what) {
    const std::uint64_t budget = memoryBudget();
    if (bytes > budget) {
        throw Error(what + " needs " + formatBytes(bytes) + ", more than the memory budget of " +
                    formatBytes(budget) + " (DCMLENS_MEMORY_BUDGET)");
    }
}

}  // namespace dcmlens::model
