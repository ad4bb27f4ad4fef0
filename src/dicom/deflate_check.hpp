#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>

namespace dcmlens::dicom {

// Deflated Explicit VR Little Endian (1.2.840.10008.1.2.1.99, PS3.5 A.5): the dataset after the
// meta header is one raw deflate stream (RFC 1951, no zlib header). DCMTK 3.6.7 compares an
// element's claimed length with the bytes left in the file before allocating its value, except
// when it reads through an inflating stream, whose length it cannot know: there it allocates the
// claim (up to 4 GiB) and only then finds the stream short. A 14 KB file that claims 1.4 GB cost
// 1.4 GB of address space (fuzz_dicom_file, long run), one that claims 3 GiB more. It also keeps
// every value of such a dataset in memory (no postponed loading from a compressed stream). So the
// dataset is inflated first (twice, streaming, nothing kept): refused when it inflates to more than
// `budget` bytes, or when one of its elements claims more bytes than the dataset holds after it.
// Throws dcmlens::Error with a one-line reason. DCMTK-free, so the fuzzers drive it too.

// Where the deflated dataset starts (the byte after the meta header, group 0002) in the first
// bytes of a file or object: optional 128-byte preamble and "DICM", then the meta header in
// explicit VR little endian. nullopt when the meta header does not name the deflated transfer
// syntax (or does not end inside `size`).
std::optional<std::size_t> deflatedDatasetOffset(const std::uint8_t* data, std::size_t size);

// The check on bytes in memory (`data` of `size`: the whole file or object).
void checkDeflatedDataset(const std::uint8_t* data, std::size_t size, std::size_t offset,
                          std::uint64_t budget);

// The same on an open file, read from `offset` (the file position is left anywhere).
void checkDeflatedDataset(std::FILE* file, std::size_t offset, std::uint64_t budget);

}  // namespace dcmlens::dicom
