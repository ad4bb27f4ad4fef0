#pragma once

// Whether a file can be DICOM at all, from its first bytes, before DCMTK parses it. DCMTK reads
// anything: without the Part 10 prefix it guesses a transfer syntax and parses whatever follows
// as data elements, so a file of zeros becomes a dataset of empty (0000,0000) elements, and text
// fails deep inside the parser with "I/O suspension or premature end of stream".

#include <cstddef>
#include <cstdint>
#include <string>

namespace dcmlens::dicom {

// How many leading bytes whyNotDicom looks at (the preamble, "DICM" and one element header).
constexpr std::size_t kSignatureBytes = 144;

// "" when the first `size` bytes of a file of `fileSize` bytes can start a DICOM file, else why
// they cannot ("text", ...). The rule:
// - "DICM" at byte 128 after the 128-byte preamble: a Part 10 file (PS3.10 7.1); or
// - no preamble (ACR-NEMA files, bare datasets): the file starts with a plausible data element
//   in any of the three encodings DCMTK detects (implicit VR little endian, explicit VR little or
//   big endian): its group is 0002 (File Meta Information), 0004 (a DICOMDIR's directory
//   information) or 0008 (every IOD has the SOP Common Module's (0008,0016) SOP Class UID and
//   elements come in ascending order, PS3.5 7.1: so no dataset starts with a higher group; group
//   0000 is a DIMSE command, never in a file), and, for explicit VR, a VR PS3.5 defines; and its
//   value length fits in the file (or is undefined, 0xFFFFFFFF).
std::string whyNotDicom(const std::uint8_t* head, std::size_t size, std::uint64_t fileSize);

// Reads the first bytes of `path` and throws dcmlens::Error("not a DICOM file (REASON)") when
// whyNotDicom gives a reason, or "cannot read: ..." when the file cannot be read.
void requireDicomSignature(const std::string& path, std::uint64_t fileSize);

}  // namespace dcmlens::dicom
