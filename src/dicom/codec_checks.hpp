#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dcmlens::dicom {

// Checks of compressed data that DCMTK 3.6.7's decoders would otherwise trust: each throws
// dcmlens::Error with a one-line reason. GL-free and DCMTK-free, so the fuzzers drive them too.

// An RLE Lossless frame (PS3.5 Annex G): its one fragment (A.4.2: "each frame shall be encoded
// in one and only one fragment") starts with a 64-byte header of the number of segments (1..15,
// here exactly `expectedSegments`: one per byte of each sample) and their byte offsets, each
// segment at least two bytes long (the shortest PackBits run that yields a byte) and inside the
// fragment, in order. DcmRLECodecDecoder::decodeFrame reads the header without checking the
// fragment's length and feeds each segment from its offset to the next (the last one to the
// fragment's end) without checking either against the fragment: an offset of 0x7FFFFFFE read
// 2 GB past it (SC_rgb_rle.dcm, one offset smashed: a segmentation fault), and a segment that
// decodes to nothing made it read the byte before its output buffer.
void checkRleFragment(const std::uint8_t* data, std::size_t length, int expectedSegments);

// Which fragment (0-based, the Basic Offset Table not counted) holds RLE frame `frame` of
// `frames`: the frame's own when there is one fragment per frame, else where the Basic Offset
// Table points (`offsets`: its entries; `fragmentLengths`: each fragment's length). Throws when
// neither says.
std::size_t rleFragmentOf(int frame, int frames, const std::vector<std::uint32_t>& offsets,
                          const std::vector<std::uint32_t>& fragmentLengths);

// DCMTK 3.6.7 turns every item of a Directory Record Sequence (0004,1220) into a
// DcmDirectoryRecord, which "corrects" its Directory Record Type (0004,1430) while it is read; for
// a value over 16 bytes DcmByteString::verify then throws std::out_of_range from inside the
// parser, which loses the elements it was reading (found by fuzz_dicomdir). So such a value (more
// than CS allows, PS3.5 6.2) is refused before DCMTK parses the bytes: the element is looked for
// in the encodings DCMTK reads (explicit and implicit VR little endian, explicit big endian),
// where the bytes also hold a Directory Record Sequence tag.
void checkDirectoryRecordTypes(const std::uint8_t* data, std::size_t size);

// Whether the bytes hold a Directory Record Sequence (0004,1220) tag, little or big endian.
bool holdsDirectoryRecordSequence(const std::uint8_t* data, std::size_t size);

}  // namespace dcmlens::dicom
