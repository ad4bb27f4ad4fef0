#include "dicom/dictionary.hpp"

#include <dcmtk/dcmdata/dcdicent.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <string>

namespace dcmlens::dicom {

namespace {

// A file DCMTK reads as a dictionary of no entries.
constexpr const char* kEmptyDictionary = "/dev/null";

std::atomic<bool> inUse{false};

}  // namespace

bool compiledDictionaryIsCurrent() {
    return sourcesUnchanged(compiled::kSources, compiled::kSourceCount);
}

bool sourcesUnchanged(const compiled::Source* sources, std::size_t count) {
    if (count == 0) {
        return false;
    }
    for (std::size_t i = 0; i < count; ++i) {
        const compiled::Source& source = sources[i];
        struct stat s {};
        if (::stat(source.path, &s) != 0 || s.st_size != source.size) {
            return false;
        }
        if (s.st_mtim.tv_sec == source.mtimeSeconds &&
            s.st_mtim.tv_nsec == source.mtimeNanoseconds) {
            continue;  // the usual case: a stat, no read
        }
        std::ifstream file(source.path, std::ios::binary);
        std::string bytes(static_cast<std::size_t>(s.st_size), '\0');
        if (!file.read(bytes.data(), static_cast<std::streamsize>(bytes.size())) ||
            contentHash(bytes.data(), bytes.size()) != source.contentHash) {
            return false;  // unreadable, shorter than it said, or other bytes
        }
    }
    return true;
}

bool useCompiledDictionary() {
    // DCMTK treats an empty DCMDICTPATH as unset.
    const char* path = std::getenv("DCMDICTPATH");
    if ((path != nullptr && path[0] != '\0') || !compiledDictionaryIsCurrent()) {
        return false;  // DCMTK parses the user's dictionaries, or the changed files
    }
    if (::setenv("DCMDICTPATH", kEmptyDictionary, 1) != 0) {
        return false;
    }
    inUse = true;
    return true;
}

bool compiledDictionaryInUse() {
    return inUse;
}

void addCompiledEntries(DcmDataDictionary& dictionary) {
    for (std::size_t i = 0; i < compiled::kRowCount; ++i) {
        const compiled::Row& r = compiled::kRows[i];
        // The strings are static: no copies (doCopyStrings false).
        auto* entry = new DcmDictEntry(r.group, r.element, r.upperGroup, r.upperElement,
                                       DcmVR(static_cast<DcmEVR>(r.vr)), r.name, r.vmMin, r.vmMax,
                                       r.version, OFFalse, r.privateCreator);
        entry->setGroupRangeRestriction(static_cast<DcmDictRangeRestriction>(r.groupRestriction));
        entry->setElementRangeRestriction(
            static_cast<DcmDictRangeRestriction>(r.elementRestriction));
        dictionary.addEntry(entry);  // the dictionary owns it
    }
}

}  // namespace dcmlens::dicom
