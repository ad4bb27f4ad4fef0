#pragma once

#include <string>
#include <vector>

namespace dcmlens::dicom {

// What a DICOMDIR (a Basic Directory IOD, PS3.3 F.3) lists: the files its directory records
// reference, resolved against the DICOMDIR's folder, in record order, and one line per problem.
struct DicomdirContents {
    std::vector<std::string> files;     // paths as DICOMDIR_FOLDER/COMPONENT/..., existing files
    std::vector<std::string> problems;  // "DICOMDIR: referenced file IMAGES/IM0001 not found"
};

// Reads a DICOMDIR's Directory Record Sequence (0004,1220) and resolves the Referenced File ID
// (0004,1500) of every record that has one (IMAGE and the other leaf records). Record order is
// the directory's hierarchy (PS3.3 F.2, F.3.2.2: each entity's records by Offset of the Next
// Directory Record (0004,1400), a record's lower-level entity by (0004,1420) right after it), or
// the sequence's order where those offsets are absent or do not link every record. Referenced files
// that do not exist, and invalid File IDs, are problems, not errors. Never writes the file.
// Throws dcmlens::Error with a one-line reason when the file is not a readable DICOMDIR.
DicomdirContents readDicomdir(const std::string& path);

// True for a file named DICOMDIR (in any case: media mounted with lower-case names) or whose
// File Meta Information says Media Storage Directory Storage (1.2.840.10008.1.3.10). Reads the
// meta header only; false for anything unreadable.
bool isDicomdir(const std::string& path);

// True when the file name (not the folder) is DICOMDIR in any case.
bool isDicomdirName(const std::string& path);

}  // namespace dcmlens::dicom
