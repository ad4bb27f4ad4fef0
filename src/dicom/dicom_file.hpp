#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/instance.hpp"

namespace dcmlens::dicom {

// An opened DICOM file (Part 10 with or without a meta header). Opening parses every attribute
// the display pipeline needs; pixel data is decoded only when asked, one frame at a time where
// the transfer syntax allows it. The only class of dcmlens that touches DCMTK's data structures.
class DicomFile {
public:
    // Throws dcmlens::Error with a one-line reason when the file cannot be read.
    explicit DicomFile(const std::string& path);
    // The same from an encoded object in memory (a Part 10 file's bytes, e.g. a retrieved
    // instance): parsed by the same code, so it decodes exactly as the file would. `name` stands
    // for the path in instance() and messages; instance().encoded keeps `bytes` so that loaders
    // decode from them rather than from a file (StackLoader).
    DicomFile(std::shared_ptr<const std::vector<std::uint8_t>> bytes, const std::string& name);
    ~DicomFile();
    DicomFile(const DicomFile&) = delete;
    DicomFile& operator=(const DicomFile&) = delete;

    // Attributes; `stored` stays empty until decodeAllFrames().
    const model::Instance& instance() const;

    bool hasImage() const;

    // Throws dcmlens::Error when decodeFrame would refuse the pixel module (sizes, bits, samples)
    // or the pixel data cannot hold the frames the header claims: native data shorter than
    // Number of Frames x the frame size, encapsulated data with fewer fragments than frames
    // (PS3.5 A.4: a fragment holds data of one frame at most). What a loader checks before it
    // keeps anything per frame: a header may claim 2^31 frames or 2^31 columns.
    void checkPixelData();

    // Stored values of one frame (0-based), masked and sign-extended. Throws dcmlens::Error when
    // there is no image, the frame does not exist or the data cannot be decoded.
    model::PixelBuffer decodeFrame(int frame);

    // The words of one frame as decoded, before masking to Bits Stored and sign extension (the
    // pixel probe's "raw" stage): Bits Allocated wide, unsigned.
    model::PixelBuffer decodeRawFrame(int frame);

    // Decodes every frame into instance().stored. A `destination` with the shape of the decoded
    // frames (e.g. a view of memory the GPU driver samples in place) becomes `stored` and most
    // decoders write straight into it; any other shape is ignored.
    void decodeAllFrames(model::PixelBuffer destination = model::PixelBuffer());

    // Moves the instance (with its decoded frames) out; the DicomFile is spent afterwards.
    model::Instance release();

    // How Pixel Data is laid out (PS3.5 A.4): native, or the Basic Offset Table and fragments of
    // an encapsulated value, with the fragments that make each frame.
    struct PixelLayout {
        bool encapsulated = false;
        std::uint64_t nativeBytes = 0;           // native: the value's length
        std::uint64_t frameBytes = 0;            // native: bytes per frame
        std::vector<std::uint32_t> offsetTable;  // Basic Offset Table entries (may be empty)
        struct Fragment {
            std::uint64_t offset =
                0;  // from the first fragment's item tag, as the offset table counts
            std::uint32_t length = 0;
        };
        std::vector<Fragment> fragments;  // item 1 onwards (item 0 is the offset table)
        std::vector<std::pair<int, int>> frameFragments;  // per frame: first fragment, count
    };
    PixelLayout pixelLayout() const;

    // The bytes of one frame's pixel data as the file holds them (for the hex view): native data
    // in little-endian order (big-endian files are shown swapped to it), or the concatenated
    // fragments (the compressed codestream) of an encapsulated frame.
    std::vector<std::uint8_t> frameData(int frame);

    // The bytes of one fragment (0-based; the Basic Offset Table item is not counted) of
    // encapsulated pixel data (PS3.5 A.4), as the file holds them.
    std::vector<std::uint8_t> fragmentData(int fragment);

    // The whole dataset (meta header first) as a tree, for the tag panel and `dcmlens info`.
    std::vector<model::TagNode> tagTree() const;

private:
    void readParsed(const std::string& path);  // the attributes, after either constructor
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Throws dcmlens::Error ("no such file", "not a regular file", or `whenEmpty`) unless `path` is a
// non-empty regular file: checked before DCMTK opens it, whose own messages are less clear.
// Returns the file's size.
std::uint64_t requireNonEmptyFile(const std::string& path, const std::string& whenEmpty);

// Refuses (dcmlens::Error) what DCMTK 3.6.7's parser cannot take without throwing from inside
// itself (codec_checks.hpp), looking at the first `limit` bytes of the file (at its first 64 KB
// only when they hold no Directory Record Sequence).
void checkBeforeParsing(const std::string& path, std::size_t limit);

// Registers DCMTK's decoders (JPEG, JPEG-LS, RLE) once per process, and the compiled data
// dictionary when main() chose it (dictionary.hpp); thread-safe. Every use of DCMTK starts here.
void registerCodecs();

// Loads DCMTK's data dictionary (parsing its files takes ~13 ms; the compiled table ~2 ms) and
// registers the decoders. The viewer calls it on a background thread at start, so that opening the
// first folder does not wait for it; thread-safe, and harmless to call again.
void warmUp();

// The stored values of every frame of a header whose native pixel data lies in its file
// (Instance::nativePixels), read without parsing the file again: greyscale and palette data of 8,
// 16 or 32 bits, the same values as DicomFile::decodeAllFrames. Into `destination` (moved from)
// when it has the frames' shape. nullopt when the header does not allow it, or the file changed
// or holds less: DicomFile then decodes it, or says why not.
std::optional<model::PixelBuffer> readNativeFrames(const model::Instance& header,
                                                   model::PixelBuffer& destination);

// Opens what a header was read from: its encoded bytes when it has them, else its file.
std::unique_ptr<DicomFile> openInstance(const model::Instance& header);

// Opens a file and decodes all frames.
model::Instance loadInstance(const std::string& path);

}  // namespace dcmlens::dicom
