#pragma once

// DCMTK's data dictionary from a table compiled into dcmlens. DCMTK parses its dictionary files
// (~7800 entries, sscanf line by line) at the first use in every process: ~13 ms, more than a
// whole `dcm2pnm` of a small file spends elsewhere. The table is made at build time by DCMTK's
// own parser from the same files (tools/dictionary_table.cpp), so the entries are the same; it
// is used only while those files have the size and modification time they had then, and never
// when DCMDICTPATH names other dictionaries.

#include <cstddef>
#include <cstdint>

#include "common/fnv1a.hpp"

class DcmDataDictionary;

namespace dcmlens::dicom {

// Call first in main(), before any thread starts: unless DCMDICTPATH names dictionaries or the
// dictionary files changed since the build, points DCMDICTPATH at an empty dictionary (DCMTK then
// parses nothing) and has registerCodecs() add the table instead. Returns whether it did. The
// variable is inherited: a child process that uses DCMTK would need it restored (dcmlens starts
// none).
bool useCompiledDictionary();

// Whether useCompiledDictionary() took effect in this process.
bool compiledDictionaryInUse();

// Whether the files the table was made from are as they were: the same size, and the same
// modification time or else the same content (a package reinstalled with identical files).
bool compiledDictionaryIsCurrent();

namespace compiled {
struct Source;
}
// Whether every file is as its Source records (none: false).
bool sourcesUnchanged(const compiled::Source* sources, std::size_t count);

// The content check of a dictionary file (also used by the build tool).
inline std::uint64_t contentHash(const char* bytes, std::size_t size) {
    return fnv1a(bytes, size);
}

// Adds every entry of the table to `dictionary` (tests compare it with DCMTK's parse).
void addCompiledEntries(DcmDataDictionary& dictionary);

namespace compiled {  // the table, generated into the build folder

struct Source {
    const char* path;
    long long size;
    long long mtimeSeconds;
    long long mtimeNanoseconds;
    unsigned long long contentHash;
};

struct Row {
    std::uint16_t group, element, upperGroup, upperElement;
    int vr;  // DcmEVR
    const char* name;
    int vmMin, vmMax;
    const char* version;
    const char* privateCreator;
    int groupRestriction, elementRestriction;  // DcmDictRangeRestriction
};

extern const Source kSources[];
extern const std::size_t kSourceCount;
extern const Row kRows[];
extern const std::size_t kRowCount;

}  // namespace compiled

}  // namespace dcmlens::dicom
