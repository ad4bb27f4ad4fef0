#include "dicom/dicom_file.hpp"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmf.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>

#include <sys/stat.h>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>

#include "common/error.hpp"
#include "dicom/attributes.hpp"
#include "dicom/codec_checks.hpp"
#include "dicom/dcmtk_call.hpp"
#include "dicom/deflate_check.hpp"
#include "dicom/dictionary.hpp"
#include "dicom/j2k_decoder.hpp"
#include "dicom/jpeg_color.hpp"
#include "dicom/signature.hpp"
#include "dicom/stored_values.hpp"
#include "model/display_text.hpp"
#include "model/memory_budget.hpp"

namespace dcmlens::dicom {

std::vector<model::TagNode> buildTagTree(DcmFileFormat& file);  // tag_tree.cpp

void registerCodecs() {
    static std::once_flag once;
    std::call_once(once, [] {
        // DCMTK logs decoder chatter to stderr; dcmlens reports errors itself, on one line.
        OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
        // YCbCr JPEG is converted to RGB when the header says YBR; streams that say RGB but hold
        // YCbCr are caught in decodeFrame (jpeg_color.hpp).
        DJDecoderRegistration::registerCodecs(EDC_photometricInterpretation);
        DJLSDecoderRegistration::registerCodecs();
        DcmRLEDecoderRegistration::registerCodecs();
        if (compiledDictionaryInUse()) {
            // Creating the dictionary reads the empty file DCMDICTPATH names; then the table.
            DcmDataDictionary& dictionary = dcmDataDict.wrlock();
            addCompiledEntries(dictionary);
            dcmDataDict.wrunlock();
        }
    });
}

void warmUp() {
    registerCodecs();
    (void)dcmDataDict.isDictionaryLoaded();  // the first access loads it, under DCMTK's lock
}

namespace {

// JPEG 2000 (PS3.5 A.4.4) and HTJ2K (A.4.11): decoded by OpenJPEG, not DCMTK. DCMTK 3.6.7 does
// not know the HTJ2K UIDs, so dispatch on the meta header's UID string.
bool isJ2kSyntax(const std::string& uid) {
    return uid == "1.2.840.10008.1.2.4.90" || uid == "1.2.840.10008.1.2.4.91" ||
           uid == "1.2.840.10008.1.2.4.201" || uid == "1.2.840.10008.1.2.4.202" ||
           uid == "1.2.840.10008.1.2.4.203";
}

// JPEG Baseline (Process 1) and Extended (Process 2 & 4): the only syntaxes whose streams
// carry colour-space markers that headers contradict.
bool isLossyJpegSyntax(const std::string& uid) {
    return uid == "1.2.840.10008.1.2.4.50" || uid == "1.2.840.10008.1.2.4.51";
}

std::string syntaxName(const std::string& uid) {
    if (uid == "1.2.840.10008.1.2.4.201") {
        return "High-Throughput JPEG 2000 Image Compression (Lossless Only)";
    }
    if (uid == "1.2.840.10008.1.2.4.202") {
        return "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)";
    }
    if (uid == "1.2.840.10008.1.2.4.203") {
        return "High-Throughput JPEG 2000 Image Compression";
    }
    const char* name = dcmFindNameOfUID(uid.c_str());
    return name ? name : "";
}

// The decoded size of `frames` frames (stored values: model::sampleTypeFor's width), saturating.
std::uint64_t decodedBytes(const model::PixelDescriptor& px, std::uint64_t frames) {
    const std::uint64_t perFrame = model::saturatingMultiply(
        model::saturatingMultiply(static_cast<std::uint64_t>(std::max(px.columns, 0)),
                                  static_cast<std::uint64_t>(std::max(px.rows, 0))),
        model::saturatingMultiply(
            static_cast<std::uint64_t>(std::max(px.samplesPerPixel, 0)),
            model::sampleBytes(model::sampleTypeFor(px.bitsStored, px.isSigned))));
    return model::saturatingMultiply(perFrame, frames);
}

// "an image of 512 x 512 pixels (1 sample of 16 bits each)", "... 300 frames of ...": what a
// memory-budget message names.
std::string imageText(const model::PixelDescriptor& px, std::uint64_t frames) {
    return "an image of " + (frames > 1 ? std::to_string(frames) + " frames of " : "") +
           std::to_string(px.columns) + " x " + std::to_string(px.rows) + " pixels (" +
           std::to_string(px.samplesPerPixel) +
           (px.samplesPerPixel == 1 ? " sample of " : " samples of ") +
           std::to_string(px.bitsAllocated) + " bits each)";
}

// Reads frames [first, first + count) of native little-endian pixel data whose value starts at
// `offset` in `in` into frames [0, count) of `out`: straight into it when the words already are
// the stored values, else through unpackStoredValues. False when the file holds less.
bool readNativeWords(std::FILE* in, std::uint64_t offset, const RawLayout& layout, int first,
                     int count, model::PixelBuffer& out) {
    const std::uint64_t frameBytes = rawFrameBytes(layout);
    const bool direct =
        layout.highBit + 1 == layout.bitsStored && layout.bitsStored == layout.bitsAllocated &&
        model::sampleBytes(out.type()) * 8 == static_cast<std::size_t>(layout.bitsAllocated);
    if (fseeko(in, static_cast<off_t>(offset + frameBytes * static_cast<std::uint64_t>(first)),
               SEEK_SET) != 0) {
        return false;
    }
    if (direct) {
        const auto bytes = static_cast<std::size_t>(frameBytes * static_cast<std::uint64_t>(count));
        return std::fread(out.frameBytes(0), 1, bytes, in) == bytes;
    }
    std::vector<std::uint8_t> raw(static_cast<std::size_t>(frameBytes));
    for (int f = 0; f < count; ++f) {
        if (std::fread(raw.data(), 1, raw.size(), in) != raw.size()) {
            return false;
        }
        unpackStoredValues(raw.data(), raw.size(), layout, out, f);
    }
    return true;
}

// What identifies a version of a file: where it is, its size, its modification and status change
// times.
model::Instance::NativePixels fileIdentity(const struct stat& st) {
    model::Instance::NativePixels id;
    id.fileSize = static_cast<std::uint64_t>(st.st_size);
    id.modifiedNs =
        static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    id.changedNs =
        static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
    id.device = static_cast<std::uint64_t>(st.st_dev);
    id.inode = static_cast<std::uint64_t>(st.st_ino);
    return id;
}

bool sameFile(const model::Instance::NativePixels& a, const model::Instance::NativePixels& b) {
    return a.fileSize == b.fileSize && a.modifiedNs == b.modifiedNs && a.changedNs == b.changedNs &&
           a.device == b.device && a.inode == b.inode;
}

// Why DCMTK could not parse a file that starts like DICOM, in words: its stream errors name the
// mechanism ("I/O suspension or premature end of stream"), not what is wrong with the file.
std::string loadFailure(const OFCondition& status) {
    if (status == EC_StreamNotifyClient) {
        return "not a readable DICOM file: the data ends inside an element (truncated?)";
    }
    return std::string("not a readable DICOM file (") + status.text() + ")";
}

// The file's status, after the checks requireNonEmptyFile promises.
struct stat regularFileStatus(const std::string& path, const std::string& whenEmpty) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) {
        throw Error("no such file");
    }
    if (!S_ISREG(st.st_mode)) {
        throw Error("not a regular file");
    }
    if (st.st_size == 0) {
        throw Error(whenEmpty);
    }
    return st;
}

// The fragments (PS3.5 A.4) that make up one frame of an encapsulated Pixel Data element.
// Appends the value of item `index` of a pixel sequence (item 0 is the Basic Offset Table).
void appendFragment(DcmPixelSequence& seq, unsigned long index, std::vector<std::uint8_t>& out) {
    DcmPixelItem* item = nullptr;
    if (seq.getItem(item, index).bad() || item == nullptr) {
        throw Error("cannot read pixel data fragment " + std::to_string(index));
    }
    Uint8* data = nullptr;
    if (item->getLength() == 0) {
        return;
    }
    if (item->getUint8Array(data).bad() || data == nullptr) {
        throw Error("cannot read pixel data fragment " + std::to_string(index));
    }
    out.insert(out.end(), data, data + item->getLength());
}

std::vector<std::uint8_t> frameCodestream(DcmPixelSequence& seq, int frame, int frames) {
    const unsigned long items = seq.card();
    if (items < 2) {
        throw Error("encapsulated pixel data has no fragments");
    }
    const unsigned long fragments = items - 1;
    auto fragmentBytes = [&](unsigned long index, std::vector<std::uint8_t>& out) {
        appendFragment(seq, index, out);
    };
    std::vector<std::uint8_t> out;
    if (frames == 1) {
        for (unsigned long i = 1; i < items; ++i) {
            fragmentBytes(i, out);
        }
        return out;
    }
    if (fragments == static_cast<unsigned long>(frames)) {
        fragmentBytes(static_cast<unsigned long>(frame) + 1, out);
        return out;
    }
    // Basic Offset Table: byte offsets of each frame's first fragment, counted from the first
    // fragment's item tag; each item adds an 8-byte header.
    DcmPixelItem* table = nullptr;
    seq.getItem(table, 0);
    Uint8* tableBytes = nullptr;
    std::vector<std::uint32_t> offsets;
    if (table != nullptr && table->getLength() >= 4 * static_cast<Uint32>(frames) &&
        table->getUint8Array(tableBytes).good() && tableBytes != nullptr) {
        for (int f = 0; f < frames; ++f) {
            std::uint32_t v;
            std::memcpy(&v, tableBytes + 4 * f, 4);  // little endian on every supported host
            offsets.push_back(v);
        }
    }
    std::vector<std::uint64_t> positions;  // offset of each fragment
    std::uint64_t pos = 0;
    for (unsigned long i = 1; i < items; ++i) {
        DcmPixelItem* item = nullptr;
        seq.getItem(item, i);
        positions.push_back(pos);
        pos += 8 + (item ? item->getLength() : 0);
    }
    if (!offsets.empty()) {
        const std::uint64_t begin = offsets[frame];
        const std::uint64_t end = frame + 1 < frames ? offsets[frame + 1] : pos;
        for (unsigned long i = 0; i < fragments; ++i) {
            if (positions[i] >= begin && positions[i] < end) {
                fragmentBytes(i + 1, out);
            }
        }
        if (out.empty()) {
            throw Error("the offset table points to no fragment for frame " +
                        std::to_string(frame + 1));
        }
        return out;
    }
    // No offset table, several fragments per frame: a JPEG 2000 codestream ends with the EOC
    // marker FFD9, so count frames by fragments that end with it.
    int current = 0;
    for (unsigned long i = 1; i < items; ++i) {
        std::vector<std::uint8_t> bytes;
        fragmentBytes(i, bytes);
        if (current == frame) {
            out.insert(out.end(), bytes.begin(), bytes.end());
        }
        std::size_t n = bytes.size();
        while (n > 0 && bytes[n - 1] == 0) {
            --n;  // fragments are padded to even length
        }
        if (n >= 2 && bytes[n - 2] == 0xFF && bytes[n - 1] == 0xD9) {
            if (current == frame) {
                return out;
            }
            ++current;
        }
    }
    if (out.empty()) {
        throw Error("cannot find the fragments of frame " + std::to_string(frame + 1));
    }
    return out;
}

}  // namespace

// The Image Pixel Module as far as decoding goes (PS3.3 C.7.6.3), and that `frame` exists:
// throws dcmlens::Error for anything dcmlens cannot decode, before any size is trusted.
void checkPixelModule(const model::PixelDescriptor& px, int frame) {
    if (px.rows <= 0 || px.columns <= 0) {
        throw Error("image has no Rows (0028,0010) or Columns (0028,0011)");
    }
    if (px.rows > 65535 || px.columns > 65535) {
        // US values (PS3.3 C.7.6.3): anything larger is a malformed header.
        throw Error("Rows (0028,0010) " + std::to_string(px.rows) + " or Columns (0028,0011) " +
                    std::to_string(px.columns) + " is beyond 65535");
    }
    if (px.frames <= 0) {
        throw Error("Number of Frames (0028,0008) is " + std::to_string(px.frames));
    }
    if (frame < 0 || frame >= px.frames) {
        throw Error("frame " + std::to_string(frame + 1) + " does not exist (the image has " +
                    model::countText(static_cast<std::uint64_t>(px.frames), "frame") + ")");
    }
    if (px.bitsAllocated != 1 && px.bitsAllocated != 8 && px.bitsAllocated != 16 &&
        px.bitsAllocated != 32) {
        throw Error("Bits Allocated (0028,0100) of " + std::to_string(px.bitsAllocated) +
                    " is not supported");
    }
    if (px.bitsStored < 1 || px.bitsStored > px.bitsAllocated || px.highBit < px.bitsStored - 1 ||
        px.highBit >= px.bitsAllocated) {
        throw Error("Bits Stored / High Bit (0028,0101/0102) do not fit Bits Allocated");
    }
    if (px.samplesPerPixel != 1 && px.samplesPerPixel != 3) {
        throw Error("Samples per Pixel (0028,0002) of " + std::to_string(px.samplesPerPixel) +
                    " is not supported");
    }
}

// An input stream over shared bytes in memory that, unlike DCMTK's DcmInputBufferStream, lets
// DCMTK postpone large values as it does for files (a factory that reopens the bytes at the
// value): parsing a retrieved instance does not copy its pixel data, and native pixel data is
// later read from the bytes straight into place (readNativeFrames), as from a file.
class SharedBytesProducer : public DcmProducer {
public:
    SharedBytesProducer(std::shared_ptr<const std::vector<std::uint8_t>> bytes, offile_off_t offset)
        : bytes_(std::move(bytes)),
          position_(std::min<offile_off_t>(offset, static_cast<offile_off_t>(bytes_->size()))) {}
    OFBool good() const override { return OFTrue; }
    OFCondition status() const override { return EC_Normal; }
    OFBool eos() override { return avail() == 0; }
    offile_off_t avail() override { return static_cast<offile_off_t>(bytes_->size()) - position_; }
    offile_off_t read(void* buf, offile_off_t buflen) override {
        const offile_off_t n = std::min(buflen, avail());
        std::memcpy(buf, bytes_->data() + position_, static_cast<std::size_t>(n));
        position_ += n;
        return n;
    }
    offile_off_t skip(offile_off_t skiplen) override {
        const offile_off_t n = std::min(skiplen, avail());
        position_ += n;
        return n;
    }
    void putback(offile_off_t num) override { position_ -= std::min(num, position_); }

private:
    std::shared_ptr<const std::vector<std::uint8_t>> bytes_;
    offile_off_t position_;
};

class SharedBytesFactory : public DcmInputStreamFactory {
public:
    SharedBytesFactory(std::shared_ptr<const std::vector<std::uint8_t>> bytes, offile_off_t offset)
        : bytes_(std::move(bytes)), offset_(offset) {}
    DcmInputStream* create() const override;
    DcmInputStreamFactory* clone() const override { return new SharedBytesFactory(*this); }
    // Not a file: dcmlens' own checks for DFT_DcmInputFileStreamFactory must not take it for one.
    DcmInputStreamFactoryType ident() const override { return DFT_DcmInputTempFileStreamFactory; }
    offile_off_t offset() const { return offset_; }
    const std::vector<std::uint8_t>* bytes() const { return bytes_.get(); }

private:
    std::shared_ptr<const std::vector<std::uint8_t>> bytes_;
    offile_off_t offset_;
};

class SharedBytesStream : public DcmInputStream {
public:
    SharedBytesStream(std::shared_ptr<const std::vector<std::uint8_t>> bytes, offile_off_t offset)
        : DcmInputStream(&producer_),  // only stored by the base: safe before producer_ exists
          producer_(bytes, offset),
          bytes_(std::move(bytes)),
          offset_(offset) {}
    DcmInputStreamFactory* newFactory() const override {
        // With a filter (deflate) installed, positions are not positions in the bytes.
        return currentProducer() == &producer_ ? new SharedBytesFactory(bytes_, offset_ + tell())
                                               : nullptr;
    }

private:
    SharedBytesProducer producer_;
    std::shared_ptr<const std::vector<std::uint8_t>> bytes_;
    offile_off_t offset_;
};

DcmInputStream* SharedBytesFactory::create() const {
    return new SharedBytesStream(bytes_, offset_);
}

struct DicomFile::Impl {
    DcmFileFormat file;
    model::Instance instance;
    std::vector<Uint32> nextFragment;  // DCMTK's fragment hint per frame, for sequential decoding

    // (7FE0,0010) Pixel Data, or nullptr when the dataset has none.
    DcmPixelData* pixelData() {
        DcmElement* element = nullptr;
        file.getDataset()->findAndGetElement(DCM_PixelData, element);
        return dynamic_cast<DcmPixelData*>(element);
    }

    bool rawWords = false;  // decodeRawFrame: keep whole words, no masking or sign extension
    // decodeAllFrames into a caller's memory: where the frame being decoded goes when its shape
    // (type, size, samples, layout) is this view's; nullptr: new memory.
    const model::PixelBuffer* frameTarget = nullptr;

    RawLayout layout() const {
        const auto& px = instance.pixel;
        RawLayout l{px.columns,    px.rows,    px.samplesPerPixel, px.bitsAllocated,
                    px.bitsStored, px.highBit, px.isSigned,        px.planarConfiguration == 1};
        if (rawWords) {
            l.bitsStored = std::max(1, px.bitsAllocated);
            l.highBit = l.bitsStored - 1;
            l.isSigned = false;
        }
        return l;
    }
};

std::uint64_t requireNonEmptyFile(const std::string& path, const std::string& whenEmpty) {
    return static_cast<std::uint64_t>(regularFileStatus(path, whenEmpty).st_size);
}

void checkBeforeParsing(const std::string& path, std::size_t limit) {
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                               &std::fclose);
    std::FILE* in = file.get();
    if (in == nullptr) {
        return;  // DCMTK says why
    }
    struct stat st {};
    const std::size_t size = fstat(fileno(in), &st) == 0 && st.st_size > 0
                                 ? static_cast<std::size_t>(std::min<std::uint64_t>(
                                       static_cast<std::uint64_t>(st.st_size), limit))
                                 : 0;
    // Group 0004 follows the meta header (elements are in tag order): a file whose first 64 KB
    // hold no Directory Record Sequence is read no further (an image's pixels are not read twice).
    std::vector<std::uint8_t> bytes(std::min<std::size_t>(size, 64 << 10));
    bytes.resize(std::fread(bytes.data(), 1, bytes.size(), in));
    if (holdsDirectoryRecordSequence(bytes.data(), bytes.size()) && bytes.size() < size) {
        const std::size_t head = bytes.size();
        bytes.resize(size);
        bytes.resize(head + std::fread(bytes.data() + head, 1, size - head, in));
    }
    checkDirectoryRecordTypes(bytes.data(), bytes.size());
    // A deflated dataset's claimed lengths, which DCMTK cannot compare with the file's length
    // (deflate_check.hpp).
    if (const auto offset = deflatedDatasetOffset(bytes.data(), bytes.size())) {
        checkDeflatedDataset(in, *offset, model::memoryBudget());
    }
}

// registerCodecs() before any DCMTK object exists: it installs the compiled dictionary.
DicomFile::DicomFile(const std::string& path)
    : impl_((registerCodecs(), std::make_unique<Impl>())) {
    const struct stat before = regularFileStatus(path, "file is empty");
    requireDicomSignature(path, static_cast<std::uint64_t>(before.st_size));
    // What DCMTK cannot parse (its directory records, when it has any).
    checkBeforeParsing(path, std::size_t{64} << 20);
    OFCondition status = dcmtkCall("not a readable DICOM file", [&] {
        return impl_->file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength,
                                    ERM_autoDetect);
    });
    if (status.bad()) {
        throw Error(loadFailure(status));
    }
    readParsed(path);

    // Native little-endian pixel data that DCMTK left in the file (it postpones large values):
    // note where, for loaders that read it later without parsing the file again.
    DcmDataset& dataset = *impl_->file.getDataset();
    model::Instance& inst = impl_->instance;
    DcmPixelData* pixelData = impl_->pixelData();
    const DcmXfer originalXfer(dataset.getOriginalXfer());
    if (pixelData != nullptr && !originalXfer.isEncapsulated() && originalXfer.isLittleEndian() &&
        !pixelData->valueLoaded()) {
        const DcmInputStreamFactory* stream = pixelData->getInputStream();
        // The same file before and after parsing: the offset belongs to what the identity names.
        struct stat st {};
        if (stream != nullptr && stream->ident() == DFT_DcmInputFileStreamFactory &&
            stat(path.c_str(), &st) == 0 && sameFile(fileIdentity(before), fileIdentity(st))) {
            const auto* fileStream = static_cast<const DcmInputFileStreamFactory*>(stream);
            inst.nativePixels = fileIdentity(st);
            inst.nativePixels->offset = static_cast<std::uint64_t>(fileStream->getOffset());
            inst.nativePixels->length = pixelData->getLength();
        }
    }
}

DicomFile::DicomFile(std::shared_ptr<const std::vector<std::uint8_t>> bytes,
                     const std::string& name)
    : impl_((registerCodecs(), std::make_unique<Impl>())) {
    if (!bytes || bytes->empty()) {
        throw Error("no data (an empty object)");
    }
    // The same DcmFileFormat::read as loadFile() uses (meta header, preamble or none, transfer
    // syntax detection); large values stay in `bytes` until used, as they stay in a file.
    // What DCMTK's parser cannot take (codec_checks.hpp), as for a file.
    const std::size_t head = std::min<std::size_t>(bytes->size(), 64 << 10);
    checkDirectoryRecordTypes(
        bytes->data(), holdsDirectoryRecordSequence(bytes->data(), head) ? bytes->size() : head);
    if (const auto offset = deflatedDatasetOffset(bytes->data(), head)) {
        checkDeflatedDataset(bytes->data(), bytes->size(), *offset, model::memoryBudget());
    }
    SharedBytesStream stream(bytes, 0);
    impl_->file.transferInit();
    OFCondition status = dcmtkCall("not a readable DICOM object", [&] {
        return impl_->file.read(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength);
    });
    impl_->file.transferEnd();
    if (status.bad()) {
        throw Error(std::string("not a readable DICOM object (") + status.text() + ")");
    }
    readParsed(name);
    model::Instance& inst = impl_->instance;
    // Native little-endian pixel data left in the bytes: where, for loaders (readNativeFrames).
    DcmPixelData* pixelData = impl_->pixelData();
    const DcmXfer originalXfer(impl_->file.getDataset()->getOriginalXfer());
    if (pixelData != nullptr && !originalXfer.isEncapsulated() && originalXfer.isLittleEndian() &&
        !pixelData->valueLoaded()) {
        const auto* factory = dynamic_cast<const SharedBytesFactory*>(pixelData->getInputStream());
        if (factory != nullptr && factory->bytes() == bytes.get()) {
            inst.nativePixels = model::Instance::NativePixels{};
            inst.nativePixels->offset = static_cast<std::uint64_t>(factory->offset());
            inst.nativePixels->length = pixelData->getLength();
            inst.nativePixels->fileSize = bytes->size();
        }
    }
    inst.encoded = std::move(bytes);
}

void DicomFile::readParsed(const std::string& path) {
    DcmDataset& dataset = *impl_->file.getDataset();
    if (dataset.card() == 0) {
        throw Error("not a DICOM file (no data elements)");
    }
    model::Instance& inst = impl_->instance;
    inst.path = path;
    inst.transferSyntaxUid =
        getString(*impl_->file.getMetaInfo(), DCM_TransferSyntaxUID).value_or("");
    if (inst.transferSyntaxUid.empty()) {
        inst.transferSyntaxUid = DcmXfer(dataset.getOriginalXfer()).getXferID();
    }
    inst.transferSyntaxName = syntaxName(inst.transferSyntaxUid);
    readAttributes(dataset, inst);
}

std::optional<model::PixelBuffer> readNativeFrames(const model::Instance& header,
                                                   model::PixelBuffer& destination) {
    const model::PixelDescriptor& px = header.pixel;
    if (!header.nativePixels || px.rows <= 0 || px.columns <= 0 || px.frames <= 0 ||
        px.samplesPerPixel != 1 ||
        (px.bitsAllocated != 8 && px.bitsAllocated != 16 && px.bitsAllocated != 32) ||
        px.bitsStored < 1 || px.bitsStored > px.bitsAllocated || px.highBit < px.bitsStored - 1 ||
        px.highBit >= px.bitsAllocated) {
        return std::nullopt;
    }
    const RawLayout layout{px.columns,    px.rows,    1,           px.bitsAllocated,
                           px.bitsStored, px.highBit, px.isSigned, false};
    const std::uint64_t bytes = rawFrameBytes(layout) * static_cast<std::uint64_t>(px.frames);
    const model::Instance::NativePixels& at = *header.nativePixels;
    if (px.rows > 65535 || px.columns > 65535 || at.length < bytes ||
        decodedBytes(px, static_cast<std::uint64_t>(px.frames)) > model::memoryBudget()) {
        return std::nullopt;  // DicomFile says why
    }
    if (header.encoded) {
        // In memory: the bytes the header was parsed from, which never change.
        const std::vector<std::uint8_t>& encoded = *header.encoded;
        if (at.fileSize != encoded.size() || at.offset > encoded.size() ||
            encoded.size() - at.offset < bytes) {
            return std::nullopt;
        }
        const model::SampleType type = model::sampleTypeFor(px.bitsStored, px.isSigned);
        const bool fits = destination.type() == type && destination.width() == px.columns &&
                          destination.height() == px.rows && destination.samples() == 1 &&
                          destination.frames() == px.frames;
        model::PixelBuffer out =
            fits ? std::move(destination)
                 : model::PixelBuffer(type, px.columns, px.rows, 1, px.frames, false);
        const std::uint8_t* from = encoded.data() + at.offset;
        const bool direct =
            layout.highBit + 1 == layout.bitsStored && layout.bitsStored == layout.bitsAllocated &&
            model::sampleBytes(type) * 8 == static_cast<std::size_t>(layout.bitsAllocated);
        const std::uint64_t frameBytes = rawFrameBytes(layout);
        if (direct) {
            std::memcpy(out.frameBytes(0), from, static_cast<std::size_t>(bytes));
        } else {
            for (int f = 0; f < px.frames; ++f) {
                unpackStoredValues(from + frameBytes * static_cast<std::uint64_t>(f),
                                   static_cast<std::size_t>(frameBytes), layout, out, f);
            }
        }
        return out;
    }
    // The file opened is the file checked: a file renamed over it in between is not read.
    std::FILE* in = std::fopen(header.path.c_str(), "rb");
    if (in == nullptr) {
        return std::nullopt;
    }
    struct stat st {};
    const model::Instance::NativePixels now =
        fstat(fileno(in), &st) == 0 ? fileIdentity(st) : model::Instance::NativePixels{};
    if (!sameFile(now, at)) {
        std::fclose(in);
        return std::nullopt;  // changed since the header was read
    }
    const model::SampleType type = model::sampleTypeFor(px.bitsStored, px.isSigned);
    const bool fits = destination.type() == type && destination.width() == px.columns &&
                      destination.height() == px.rows && destination.samples() == 1 &&
                      destination.frames() == px.frames;
    model::PixelBuffer out =
        fits ? std::move(destination)
             : model::PixelBuffer(type, px.columns, px.rows, 1, px.frames, false);
    const bool ok = readNativeWords(in, at.offset, layout, 0, px.frames, out);
    std::fclose(in);
    if (!ok) {
        if (fits) {
            destination = std::move(out);  // the caller's, for its fallback
        }
        return std::nullopt;
    }
    return out;
}

DicomFile::~DicomFile() = default;

const model::Instance& DicomFile::instance() const {
    return impl_->instance;
}

bool DicomFile::hasImage() const {
    return impl_->file.getDataset()->tagExists(DCM_PixelData) && impl_->instance.pixel.rows > 0 &&
           impl_->instance.pixel.columns > 0;
}

void DicomFile::checkPixelData() {
    const model::PixelDescriptor& px = impl_->instance.pixel;
    checkPixelModule(px, 0);
    if (px.frames <= 1) {
        return;
    }
    const PixelLayout layout = pixelLayout();
    if (layout.encapsulated) {
        if (layout.fragments.size() < static_cast<std::size_t>(px.frames)) {
            throw Error("Number of Frames (0028,0008) is " + std::to_string(px.frames) +
                        " but the pixel data has " + std::to_string(layout.fragments.size()) +
                        " fragments");
        }
        return;
    }
    const std::uint64_t needed =
        model::saturatingMultiply(layout.frameBytes, static_cast<std::uint64_t>(px.frames));
    if (layout.nativeBytes < needed) {
        throw Error("Number of Frames (0028,0008) is " + std::to_string(px.frames) +
                    " but the pixel data holds " + std::to_string(layout.nativeBytes) +
                    " bytes, not " + std::to_string(needed));
    }
}

model::PixelBuffer DicomFile::decodeFrame(int frame) {
    model::Instance& inst = impl_->instance;
    const model::PixelDescriptor& px = inst.pixel;
    if (!impl_->file.getDataset()->tagExists(DCM_PixelData)) {
        throw Error("no pixel data (7FE0,0010): not an image");
    }
    checkPixelModule(px, frame);
    const RawLayout layout = impl_->layout();
    const std::uint64_t frameBytes = rawFrameBytes(layout);
    // Before anything is allocated for it: the frame as decoded, and the decoder's words.
    model::requireWithinBudget(decodedBytes(px, 1) + frameBytes, "decoding " + imageText(px, 1));

    DcmDataset& dataset = *impl_->file.getDataset();
    DcmPixelData* pixelData = impl_->pixelData();
    if (pixelData == nullptr) {
        throw Error("Pixel Data (7FE0,0010) cannot be read");
    }
    const bool subsampled = px.photometric == model::Photometric::YbrFull422 ||
                            px.photometric == model::Photometric::YbrPartial422;
    const model::SampleType type = model::sampleTypeFor(layout.bitsStored, layout.isSigned);
    // Allocated only after the data was checked to be long enough for what the header claims.
    auto newFrameBuffer = [&] {
        const bool planar = px.samplesPerPixel > 1 && px.planarConfiguration == 1;
        const model::PixelBuffer* target = impl_->frameTarget;
        if (target != nullptr && target->type() == type && target->width() == px.columns &&
            target->height() == px.rows && target->samples() == px.samplesPerPixel &&
            target->planar() == planar && target->frames() == 1) {
            return model::PixelBuffer::view(
                type, px.columns, px.rows, px.samplesPerPixel, 1, planar,
                const_cast<std::uint8_t*>(target->frameBytes(0)), nullptr);
        }
        return model::PixelBuffer(type, px.columns, px.rows, px.samplesPerPixel, 1, planar);
    };

    if (isJ2kSyntax(inst.transferSyntaxUid)) {
        DcmPixelSequence* seq = nullptr;
        const E_TransferSyntax xfer = dataset.getOriginalXfer();
        if (pixelData->getEncapsulatedRepresentation(xfer, nullptr, seq).bad() || seq == nullptr) {
            throw Error("JPEG 2000 pixel data is not encapsulated");
        }
        const std::vector<std::uint8_t> code = frameCodestream(*seq, frame, px.frames);
        // OpenJPEG's own buffers (4 bytes a sample) and the decoded samples, besides the frame.
        model::requireWithinBudget(
            decodedBytes(px, 1) +
                model::saturatingMultiply(8, static_cast<std::uint64_t>(px.columns) * px.rows *
                                                 static_cast<std::uint64_t>(px.samplesPerPixel)),
            "decoding " + imageText(px, 1) + " from JPEG 2000");
        J2kImage j2k =
            decodeJ2k(code.data(), code.size(), {px.columns, px.rows, px.samplesPerPixel});
        if (j2k.width != px.columns || j2k.height != px.rows ||
            j2k.components != px.samplesPerPixel) {
            throw Error("JPEG 2000 codestream is " + std::to_string(j2k.width) + "x" +
                        std::to_string(j2k.height) + "x" + std::to_string(j2k.components) +
                        " but the header says " + std::to_string(px.columns) + "x" +
                        std::to_string(px.rows) + "x" + std::to_string(px.samplesPerPixel));
        }
        // Keep the Bits Stored bits and sign-extend by Pixel Representation, not by the
        // codestream: lossy J2K of signed CT is sometimes encoded unsigned (pipeline.md).
        const std::uint32_t mask =
            layout.bitsStored >= 32 ? 0xFFFFFFFFu : ((std::uint32_t{1} << layout.bitsStored) - 1);
        const std::uint32_t signBit = std::uint32_t{1} << (layout.bitsStored - 1);
        model::PixelBuffer interleaved =
            px.samplesPerPixel == 1
                ? newFrameBuffer()  // the caller's memory, if any
                : model::PixelBuffer(type, px.columns, px.rows, px.samplesPerPixel, 1, false);
        for (std::size_t i = 0; i < j2k.samples.size(); ++i) {
            const std::uint32_t bits = static_cast<std::uint32_t>(j2k.samples[i]) & mask;
            std::int64_t v = bits;
            if (layout.isSigned && (bits & signBit)) {
                v -= std::int64_t{1} << layout.bitsStored;
            }
            interleaved.set(0, i, v);
        }
        // YBR_RCT / YBR_ICT: OpenJPEG undid the component transform, the values are RGB.
        if (px.photometric == model::Photometric::YbrRct ||
            px.photometric == model::Photometric::YbrIct) {
            inst.decodedPhotometric = model::Photometric::Rgb;
        }
        return interleaved;
    }

    const bool encapsulated = DcmXfer(dataset.getOriginalXfer()).isEncapsulated();
    if (!encapsulated) {
        // Native data: check the length before trusting Rows x Columns x Frames.
        std::uint64_t needed = frameBytes * static_cast<std::uint64_t>(px.frames);
        if (subsampled) {
            needed = needed * 2 / 3;
        }
        if (px.bitsAllocated == 1) {
            needed =
                (static_cast<std::uint64_t>(px.columns) * px.rows * px.samplesPerPixel * px.frames +
                 7) /
                8;
        }
        if (pixelData->getLength() < needed) {
            throw Error("pixel data is truncated: " + std::to_string(pixelData->getLength()) +
                        " bytes, the image needs " + std::to_string(needed));
        }
        if (px.bitsAllocated == 1) {
            Uint8* bytes = nullptr;
            if (pixelData->getUint8Array(bytes).bad() || bytes == nullptr) {
                throw Error("1-bit pixel data cannot be read");
            }
            const std::size_t perFrame =
                static_cast<std::size_t>(px.columns) * px.rows * px.samplesPerPixel;
            model::PixelBuffer out = newFrameBuffer();
            unpackStoredValues(bytes, pixelData->getLength(), layout, out, 0, perFrame * frame);
            return out;
        }
        if (subsampled) {
            // Uncompressed YBR_FULL_422 (PS3.3 C.7.6.3.1.2): Y1 Y2 Cb Cr per pair of pixels,
            // expanded to three samples per pixel. DCMTK's frame access does not handle it.
            if (px.bitsAllocated != 8 || px.columns % 2 != 0) {
                throw Error("YBR_FULL_422 needs 8-bit samples and an even number of columns");
            }
            Uint8* bytes = nullptr;
            if (pixelData->getUint8Array(bytes).bad() || bytes == nullptr) {
                throw Error("YBR_FULL_422 pixel data cannot be read");
            }
            const std::size_t packedFrame = static_cast<std::size_t>(px.columns) * px.rows * 2;
            std::vector<std::uint8_t> full(static_cast<std::size_t>(px.columns) * px.rows * 3);
            expandYbr422(bytes + packedFrame * static_cast<std::size_t>(frame), px.columns, px.rows,
                         full.data());
            RawLayout full8 = layout;
            full8.planar = false;
            model::PixelBuffer out(type, px.columns, px.rows, 3, 1, false);
            unpackStoredValues(full.data(), full.size(), full8, out, 0);
            // Still marked 4:2:2: DCMTK converts these with its real-valued formula.
            inst.decodedPhotometric = model::Photometric::YbrFull422;
            return out;
        }
    }

    // Native little-endian data still in the file (DCMTK postpones loading large values): read the
    // frame straight from its place in the file, without DCMTK's intermediate copies. This is
    // most of the time of opening a series of uncompressed slices.
    const DcmXfer originalXfer(dataset.getOriginalXfer());
    const DcmInputStreamFactory* stream = pixelData->getInputStream();
    if (!encapsulated && originalXfer.isLittleEndian() && !pixelData->valueLoaded() &&
        stream != nullptr && stream->ident() == DFT_DcmInputFileStreamFactory &&
        px.bitsAllocated >= 8) {
        const auto* fileStream = static_cast<const DcmInputFileStreamFactory*>(stream);
        std::FILE* in = std::fopen(fileStream->getFilename().getCharPointer(), "rb");
        if (in != nullptr) {
            model::PixelBuffer out = newFrameBuffer();
            const bool ok = readNativeWords(in, static_cast<std::uint64_t>(fileStream->getOffset()),
                                            layout, frame, 1, out);
            std::fclose(in);
            if (ok) {
                inst.decodedPhotometric = px.photometric;
                return out;
            }
        }
        // Fall through: let DCMTK read it.
    }
    std::vector<std::uint8_t> raw(static_cast<std::size_t>((frameBytes + 1) & ~std::uint64_t{1}));
    if (impl_->nextFragment.size() != static_cast<std::size_t>(px.frames) + 1) {
        impl_->nextFragment.assign(static_cast<std::size_t>(px.frames) + 1, 0);
    }
    Uint32 startFragment = impl_->nextFragment[frame];
    if (encapsulated && inst.transferSyntaxUid == "1.2.840.10008.1.2.5") {
        // RLE Lossless: DCMTK's decoder trusts the RLE header; check it first (codec_checks.hpp)
        // and hand DCMTK the fragment that was checked.
        DcmPixelSequence* seq = nullptr;
        if (pixelData->getEncapsulatedRepresentation(dataset.getOriginalXfer(), nullptr, seq)
                .bad() ||
            seq == nullptr) {
            throw Error("RLE pixel data is not encapsulated");
        }
        const PixelLayout layout = pixelLayout();
        std::vector<std::uint32_t> lengths;
        for (const PixelLayout::Fragment& f : layout.fragments) {
            lengths.push_back(f.length);
        }
        const std::size_t index = rleFragmentOf(frame, px.frames, layout.offsetTable, lengths);
        std::vector<std::uint8_t> fragment;
        appendFragment(*seq, static_cast<unsigned long>(index) + 1, fragment);
        try {
            checkRleFragment(fragment.data(), fragment.size(),
                             px.samplesPerPixel * (px.bitsAllocated / 8));
        } catch (const Error& e) {
            throw Error("cannot decode frame " + std::to_string(frame + 1) + " (" +
                        inst.transferSyntaxName + "): " + e.what());
        }
        startFragment = static_cast<Uint32>(index) + 1;
    }
    OFString colorModel;
    const std::string cannot = "cannot decode frame " + std::to_string(frame + 1);
    OFCondition status = dcmtkCall(cannot.c_str(), [&] {
        return pixelData->getUncompressedFrame(&dataset, static_cast<Uint32>(frame), startFragment,
                                               raw.data(), static_cast<Uint32>(raw.size()),
                                               colorModel);
    });
    if (status.bad() && startFragment != 0 && inst.transferSyntaxUid != "1.2.840.10008.1.2.5") {
        startFragment = 0;  // the hint was wrong: let DCMTK search from the start
        status = dcmtkCall(cannot.c_str(), [&] {
            return pixelData->getUncompressedFrame(&dataset, static_cast<Uint32>(frame),
                                                   startFragment, raw.data(),
                                                   static_cast<Uint32>(raw.size()), colorModel);
        });
    }
    if (status.bad()) {
        throw Error(std::string("cannot decode frame ") + std::to_string(frame + 1) + " (" +
                    inst.transferSyntaxName + "): " + status.text());
    }
    impl_->nextFragment[frame + 1] = startFragment;

    model::Photometric decoded = model::parsePhotometric(colorModel.c_str());
    if (decoded == model::Photometric::Unknown) {
        decoded = px.photometric;
    }
    if (isLossyJpegSyntax(inst.transferSyntaxUid) && decoded == model::Photometric::Rgb &&
        px.photometric == model::Photometric::Rgb && px.samplesPerPixel == 3 &&
        px.bitsAllocated == 8) {
        DcmPixelSequence* seq = nullptr;
        DcmPixelItem* fragment = nullptr;
        Uint8* stream = nullptr;
        if (pixelData->getEncapsulatedRepresentation(dataset.getOriginalXfer(), nullptr, seq)
                .good() &&
            seq && seq->getItem(fragment, 1).good() && fragment &&
            fragment->getUint8Array(stream).good() && stream &&
            jpegHoldsYcc(stream, fragment->getLength())) {
            const bool planar = getInteger(dataset, DCM_PlanarConfiguration).value_or(0) == 1;
            if (!planar) {
                jpegYccToRgb(raw.data(), static_cast<std::size_t>(px.columns) * px.rows);
            }
        }
    }
    if (!encapsulated && px.bitsAllocated == 32 &&
        DcmXfer(dataset.getOriginalXfer()).isBigEndian()) {
        // DCMTK byte-swaps OW data as 16-bit words, which leaves the two halves of each 32-bit
        // big-endian value in the wrong order (rtdose_expb.dcm): put them back.
        for (std::size_t i = 0; i + 4 <= raw.size(); i += 4) {
            std::swap(raw[i], raw[i + 2]);
            std::swap(raw[i + 1], raw[i + 3]);
        }
    }
    model::PixelBuffer out = newFrameBuffer();
    if (encapsulated && px.samplesPerPixel == 3) {
        // DCMTK's decoders may change the layout: read back what the dataset now says.
        const bool planar = getInteger(dataset, DCM_PlanarConfiguration).value_or(0) == 1;
        out = model::PixelBuffer(type, px.columns, px.rows, 3, 1, planar);
    }
    RawLayout decodedLayout = layout;
    decodedLayout.planar = out.planar();
    unpackStoredValues(raw.data(), raw.size(), decodedLayout, out, 0);
    inst.decodedPhotometric = decoded;
    return out;
}

void DicomFile::decodeAllFrames(model::PixelBuffer destination) {
    const int frames = std::max(1, impl_->instance.pixel.frames);
    const model::PixelDescriptor& px = impl_->instance.pixel;
    if (frames > 1 && px.rows > 0 && px.columns > 0) {
        model::requireWithinBudget(decodedBytes(px, static_cast<std::uint64_t>(frames)),
                                   imageText(px, static_cast<std::uint64_t>(frames)));
    }
    if (destination.frames() != frames) {
        destination = model::PixelBuffer();
    }
    model::PixelBuffer all;
    for (int f = 0; f < frames; ++f) {
        // Most decoders write straight into the frame's place; the others are copied there.
        model::PixelBuffer& into = f == 0 ? destination : all;
        model::PixelBuffer target;
        if (!into.empty()) {
            target =
                model::PixelBuffer::view(into.type(), into.width(), into.height(), into.samples(),
                                         1, into.planar(), into.frameBytes(f), nullptr);
        }
        impl_->frameTarget = target.empty() ? nullptr : &target;
        model::PixelBuffer one;
        try {
            one = decodeFrame(f);
        } catch (...) {
            impl_->frameTarget = nullptr;
            throw;
        }
        impl_->frameTarget = nullptr;
        if (f == 0) {
            const bool fits =
                !destination.empty() && one.type() == destination.type() &&
                one.width() == destination.width() && one.height() == destination.height() &&
                one.samples() == destination.samples() && one.planar() == destination.planar();
            if (fits) {
                all = std::move(destination);
            } else if (frames == 1) {
                // Owned: a view here would point into memory nobody keeps alive.
                all = one.isView() ? model::PixelBuffer(one) : std::move(one);
                break;
            } else {
                all = model::PixelBuffer(one.type(), one.width(), one.height(), one.samples(),
                                         frames, one.planar());
            }
            destination = model::PixelBuffer();
        }
        if (one.frameBytes(0) != all.frameBytes(f)) {
            if (one.frameByteCount() != all.frameByteCount()) {
                throw Error("frame " + std::to_string(f + 1) + " decodes to another size");
            }
            std::memcpy(all.frameBytes(f), one.frameBytes(0), one.frameByteCount());
        }
    }
    impl_->instance.stored = std::move(all);
}

model::PixelBuffer DicomFile::decodeRawFrame(int frame) {
    impl_->rawWords = true;
    try {
        model::PixelBuffer words = decodeFrame(frame);
        impl_->rawWords = false;
        return words;
    } catch (...) {
        impl_->rawWords = false;
        throw;
    }
}

model::Instance DicomFile::release() {
    return std::move(impl_->instance);
}

std::vector<std::uint8_t> DicomFile::frameData(int frame) {
    const model::PixelDescriptor& px = impl_->instance.pixel;
    if (frame < 0 || frame >= std::max(1, px.frames)) {
        throw Error("frame " + std::to_string(frame + 1) + " does not exist");
    }
    DcmDataset& dataset = *impl_->file.getDataset();
    DcmPixelData* pixelData = impl_->pixelData();
    if (pixelData == nullptr) {
        throw Error("no pixel data (7FE0,0010): not an image");
    }
    const E_TransferSyntax xfer = dataset.getOriginalXfer();
    if (DcmXfer(xfer).isEncapsulated()) {
        DcmPixelSequence* seq = nullptr;
        if (pixelData->getEncapsulatedRepresentation(xfer, nullptr, seq).bad() || seq == nullptr) {
            throw Error("encapsulated pixel data cannot be read");
        }
        return frameCodestream(*seq, frame, std::max(1, px.frames));
    }
    checkPixelModule(px, frame);
    const RawLayout layout = impl_->layout();
    const std::uint64_t frameBytes = rawFrameBytes(layout);
    if (pixelData->getLength() < frameBytes * static_cast<std::uint64_t>(frame + 1)) {
        throw Error("pixel data is truncated");
    }
    model::requireWithinBudget(frameBytes, imageText(px, 1));
    Uint8* bytes = nullptr;
    Uint16* words = nullptr;
    std::vector<std::uint8_t> out(static_cast<std::size_t>(frameBytes));
    if (pixelData->getUint8Array(bytes).good() && bytes != nullptr) {
        std::memcpy(out.data(), bytes + frameBytes * static_cast<std::uint64_t>(frame), out.size());
    } else if (pixelData->getUint16Array(words).good() && words != nullptr) {
        std::memcpy(out.data(),
                    reinterpret_cast<const std::uint8_t*>(words) +
                        frameBytes * static_cast<std::uint64_t>(frame),
                    out.size());
    } else {
        throw Error("pixel data cannot be read");
    }
    return out;
}

std::vector<std::uint8_t> DicomFile::fragmentData(int fragment) {
    DcmDataset& dataset = *impl_->file.getDataset();
    DcmPixelData* pixelData = impl_->pixelData();
    if (pixelData == nullptr) {
        throw Error("no pixel data (7FE0,0010): not an image");
    }
    const E_TransferSyntax xfer = dataset.getOriginalXfer();
    DcmPixelSequence* seq = nullptr;
    if (!DcmXfer(xfer).isEncapsulated()) {
        throw Error("the pixel data is native: it has no fragments");
    }
    if (pixelData->getEncapsulatedRepresentation(xfer, nullptr, seq).bad() || seq == nullptr) {
        throw Error("encapsulated pixel data cannot be read");
    }
    const long fragments = static_cast<long>(seq->card()) - 1;
    if (fragment < 0 || fragment >= fragments) {
        throw Error(
            "fragment " + std::to_string(fragment + 1) + " does not exist (the file has " +
            model::countText(static_cast<std::uint64_t>(std::max(0L, fragments)), "fragment") +
            ")");
    }
    std::vector<std::uint8_t> out;
    appendFragment(*seq, static_cast<unsigned long>(fragment) + 1, out);
    return out;
}

DicomFile::PixelLayout DicomFile::pixelLayout() const {
    PixelLayout layout;
    DcmDataset& dataset = *impl_->file.getDataset();
    DcmPixelData* pixelData = impl_->pixelData();
    if (pixelData == nullptr) {
        throw Error("no pixel data (7FE0,0010): not an image");
    }
    const model::PixelDescriptor& px = impl_->instance.pixel;
    const E_TransferSyntax xfer = dataset.getOriginalXfer();
    DcmPixelSequence* seq = nullptr;
    if (!DcmXfer(xfer).isEncapsulated() ||
        pixelData->getEncapsulatedRepresentation(xfer, nullptr, seq).bad() || seq == nullptr) {
        layout.nativeBytes = pixelData->getLength();
        layout.frameBytes = rawFrameBytes(impl_->layout());
        return layout;
    }
    layout.encapsulated = true;
    DcmPixelItem* table = nullptr;
    Uint8* bytes = nullptr;
    if (seq->getItem(table, 0).good() && table != nullptr && table->getLength() >= 4 &&
        table->getUint8Array(bytes).good() && bytes != nullptr) {
        for (Uint32 i = 0; i + 4 <= table->getLength(); i += 4) {
            std::uint32_t v;
            std::memcpy(&v, bytes + i, 4);
            layout.offsetTable.push_back(v);
        }
    }
    std::uint64_t position = 0;
    for (unsigned long i = 1; i < seq->card(); ++i) {
        DcmPixelItem* item = nullptr;
        seq->getItem(item, i);
        const std::uint32_t length = item ? item->getLength() : 0;
        layout.fragments.push_back({position, length});
        position += 8 + length;
    }
    // Which fragments make each frame: from the offset table, else one per frame, else all in one.
    const int frames = std::max(1, px.frames);
    const int count = static_cast<int>(layout.fragments.size());
    if (layout.offsetTable.size() == static_cast<std::size_t>(frames)) {
        for (int f = 0; f < frames; ++f) {
            const std::uint64_t begin = layout.offsetTable[static_cast<std::size_t>(f)];
            const std::uint64_t end =
                f + 1 < frames ? layout.offsetTable[static_cast<std::size_t>(f) + 1] : position;
            int first = -1;
            int n = 0;
            for (int k = 0; k < count; ++k) {
                if (layout.fragments[static_cast<std::size_t>(k)].offset >= begin &&
                    layout.fragments[static_cast<std::size_t>(k)].offset < end) {
                    first = first < 0 ? k : first;
                    ++n;
                }
            }
            layout.frameFragments.emplace_back(first, n);
        }
    } else if (count == frames) {
        for (int f = 0; f < frames; ++f) {
            layout.frameFragments.emplace_back(f, 1);
        }
    } else if (frames == 1) {
        layout.frameFragments.emplace_back(0, count);
    }
    return layout;
}

std::vector<model::TagNode> DicomFile::tagTree() const {
    return buildTagTree(impl_->file);
}

std::unique_ptr<DicomFile> openInstance(const model::Instance& header) {
    if (header.encoded) {
        return std::make_unique<DicomFile>(header.encoded, header.path);
    }
    return std::make_unique<DicomFile>(header.path);
}

model::Instance loadInstance(const std::string& path) {
    DicomFile file(path);
    file.decodeAllFrames();
    return file.release();
}

}  // namespace dcmlens::dicom
