#include "dicom/dicomdir.hpp"

// DcmFileFormat rather than DcmDicomDir: DcmDicomDir writes the file back from its destructor
// when it considers the directory modified (and it creates an empty directory for a file it
// cannot parse), so it could overwrite the user's media. Reading a plain dataset cannot.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdirrec.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <sys/stat.h>
#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "common/error.hpp"
#include "dicom/dcmtk_call.hpp"
#include "dicom/dicom_file.hpp"
#include "dicom/signature.hpp"

namespace dcmlens::dicom {

namespace {

namespace fs = std::filesystem;

std::string lowerCase(std::string s) {
    for (char& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

// One directory record (PS3.3 F.3.2.2) as far as finding files goes.
struct Record {
    Uint32 offset = 0;   // file offset of its Item tag, what the offsets of F.3.2.2 count
    Uint32 next = 0;     // Offset of the Next Directory Record (0004,1400); 0: last of its entity
    Uint32 lower = 0;    // Offset of Referenced Lower-Level Directory Entity (0004,1420); 0: none
    bool inUse = true;   // Record In-use Flag (0004,1410), retired: 0x0000 marks a deleted record
    std::string fileId;  // Referenced File ID (0004,1500), values joined by '\'
};

Uint32 offsetOf(DcmItem& item, const DcmTagKey& key) {
    Uint32 v = 0;
    return item.findAndGetUint32(key, v).good() ? v : 0;
}

// The records in the directory's hierarchy order (PS3.3 F.2, F.3.2.2): from the root entity's first
// record, each record, then its lower-level entity, then the next record of its own entity.
// nullopt (use the sequence's order) when an offset points at no record, the links loop, or the
// walk misses a record in use: broken offsets are likelier than records meant to be hidden, and
// a viewer should rather show every referenced file.
std::optional<std::vector<std::size_t>> hierarchyOrder(const std::vector<Record>& records,
                                                       Uint32 root) {
    std::map<Uint32, std::size_t> at;
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (records[i].offset != 0) {
            at.emplace(records[i].offset, i);
        }
    }
    if (root == 0 || at.find(root) == at.end()) {
        return std::nullopt;
    }
    std::vector<std::size_t> order;
    std::vector<bool> seen(records.size(), false);
    std::vector<Uint32> pending{root};  // a stack: lower-level entities before next siblings
    while (!pending.empty()) {
        const Uint32 offset = pending.back();
        pending.pop_back();
        const auto it = at.find(offset);
        if (it == at.end() || seen[it->second]) {
            return std::nullopt;
        }
        const Record& r = records[it->second];
        seen[it->second] = true;
        order.push_back(it->second);
        if (r.next != 0) {
            pending.push_back(r.next);
        }
        if (r.lower != 0) {
            pending.push_back(r.lower);
        }
    }
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (!seen[i] && records[i].inUse) {
            return std::nullopt;
        }
    }
    return order;
}

// File ID components (PS3.10 8.2, 8.5: values of up to 8 characters, A-Z 0-9 _; we accept any
// case and also split on '/', which some writers use). Empty when the ID is invalid: an empty
// component, "." or ".." (which would leave the file-set's folder).
std::vector<std::string> fileIdComponents(const std::string& id) {
    std::vector<std::string> parts;
    std::string part;
    auto finish = [&] {
        const auto b = part.find_first_not_of(' ');
        part = b == std::string::npos ? "" : part.substr(b, part.find_last_not_of(' ') - b + 1);
        parts.push_back(part);
        part.clear();
    };
    for (char c : id) {
        if (c == '\\' || c == '/') {
            finish();
        } else {
            part += c;
        }
    }
    finish();
    for (const std::string& p : parts) {
        if (p.empty() || p == "." || p == "..") {
            return {};
        }
    }
    return parts;
}

// Resolves File IDs in the DICOMDIR's folder. IDs on media are upper case, but a CD mounted on
// Linux or a copy may show the names in lower case: where the exact name does not exist, a
// component matches its folder's entry that differs only in case (the first by name if several).
class Resolver {
public:
    explicit Resolver(fs::path base) : base_(std::move(base)) {}

    std::optional<fs::path> resolve(const std::vector<std::string>& components) {
        fs::path p = base_;
        for (const std::string& c : components) {
            std::error_code ec;
            if (fs::exists(p / c, ec)) {
                p /= c;
                continue;
            }
            const auto& names = listing(p);
            const auto it = names.find(lowerCase(c));
            if (it == names.end()) {
                return std::nullopt;
            }
            p /= it->second;
        }
        std::error_code ec;
        if (!fs::is_regular_file(p, ec)) {
            return std::nullopt;
        }
        return p;
    }

private:
    // A folder's entries by lower-case name, read once per folder.
    const std::map<std::string, std::string>& listing(const fs::path& folder) {
        auto [it, added] = listings_.try_emplace(folder.string());
        if (added) {
            std::error_code ec;
            for (auto e = fs::directory_iterator(folder.empty() ? fs::path(".") : folder, ec);
                 !ec && e != fs::directory_iterator(); e.increment(ec)) {
                const std::string name = e->path().filename().string();
                auto [slot, fresh] = it->second.try_emplace(lowerCase(name), name);
                if (!fresh && name < slot->second) {
                    slot->second = name;
                }
            }
        }
        return it->second;
    }

    fs::path base_;
    std::map<std::string, std::map<std::string, std::string>> listings_;
};

}  // namespace

bool isDicomdirName(const std::string& path) {
    return lowerCase(fs::path(path).filename().string()) == "dicomdir";
}

namespace {

// The Media Storage SOP Class UID (0002,0002) of a Part 10 file, read by hand: File Meta
// Information is always explicit VR little endian after the 128-byte preamble and "DICM" (PS3.10
// 7.1), so a few hundred bytes answer it. Not through DCMTK: its first use loads the data
// dictionary (about 15 ms), which `render` of one file would otherwise wait for before its GL
// context starts.
std::string mediaStorageSopClass(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char head[4096];
    in.read(head, sizeof head);
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n < 132 || std::memcmp(head + 128, "DICM", 4) != 0) {
        return {};
    }
    auto u16 = [&](std::size_t at) {
        return static_cast<unsigned>(static_cast<unsigned char>(head[at])) |
               static_cast<unsigned>(static_cast<unsigned char>(head[at + 1])) << 8;
    };
    std::size_t at = 132;
    while (at + 8 <= n && u16(at) == 0x0002) {
        const unsigned element = u16(at + 2);
        const std::string vr(head + at + 4, 2);
        std::size_t length = u16(at + 6);
        std::size_t value = at + 8;
        if (vr == "OB" || vr == "OW" || vr == "OF" || vr == "SQ" || vr == "UT" || vr == "UN") {
            if (at + 12 > n) {
                return {};
            }
            length = u16(at + 8) | static_cast<std::size_t>(u16(at + 10)) << 16;
            value = at + 12;
        }
        if (value + length > n) {
            return {};
        }
        if (element == 0x0002) {
            std::string uid(head + value, length);
            while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' ')) {
                uid.pop_back();  // UI values are padded to even length with a NUL (PS3.5 6.2)
            }
            return uid;
        }
        at = value + length;
    }
    return {};
}

}  // namespace

bool isDicomdir(const std::string& path) {
    if (isDicomdirName(path)) {
        return true;
    }
    struct stat st {};
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return false;
    }
    return mediaStorageSopClass(path) == UID_MediaStorageDirectoryStorage;
}

DicomdirContents readDicomdir(const std::string& path) {
    registerCodecs();
    requireDicomSignature(path, requireNonEmptyFile(path, "DICOMDIR is empty"));
    checkBeforeParsing(path, std::size_t{64} << 20);  // its records, all of them
    DcmFileFormat file;
    const OFCondition status = dcmtkCall("not a readable DICOMDIR", [&] {
        return file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength,
                             ERM_autoDetect);
    });
    if (status.bad()) {
        throw Error(std::string("not a readable DICOMDIR (") + status.text() + ")");
    }
    DcmDataset& dataset = *file.getDataset();
    DcmSequenceOfItems* sequence = nullptr;
    if (dataset.findAndGetSequence(DCM_DirectoryRecordSequence, sequence).bad() || !sequence) {
        throw Error("not a DICOMDIR: no Directory Record Sequence (0004,1220)");
    }

    std::vector<Record> records;
    for (unsigned long i = 0; i < sequence->card(); ++i) {
        DcmItem* item = sequence->getItem(i);
        Record r;
        // DCMTK reads the items of (0004,1220) as DcmDirectoryRecord, which remembers where
        // each item began in the file: the position the offsets (0004,1200/1400/1420) count
        // from the first byte of the file (the preamble, PS3.3 F.3.2.2).
        if (const auto* record = dynamic_cast<const DcmDirectoryRecord*>(item)) {
            r.offset = record->getFileOffset();
        }
        r.next = offsetOf(*item, DCM_OffsetOfTheNextDirectoryRecord);
        r.lower = offsetOf(*item, DCM_OffsetOfReferencedLowerLevelDirectoryEntity);
        Uint16 inUse = 0xFFFF;
        r.inUse = item->findAndGetUint16(DCM_RecordInUseFlag, inUse).bad() || inUse != 0;
        OFString id;
        if (item->findAndGetOFStringArray(DCM_ReferencedFileID, id).good()) {
            r.fileId = id.c_str();
        }
        records.push_back(std::move(r));
    }

    std::vector<std::size_t> order;
    if (auto tree = hierarchyOrder(
            records,
            offsetOf(dataset, DCM_OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity))) {
        order = std::move(*tree);
    } else {
        for (std::size_t i = 0; i < records.size(); ++i) {
            order.push_back(i);
        }
    }

    DicomdirContents out;
    // File IDs are relative to the folder that holds the DICOMDIR (PS3.10 8.2).
    Resolver resolver(fs::path(path).parent_path());
    for (std::size_t i : order) {
        const Record& r = records[i];
        if (!r.inUse || r.fileId.empty()) {
            continue;  // PATIENT, STUDY, SERIES... records reference no file
        }
        const std::vector<std::string> components = fileIdComponents(r.fileId);
        if (components.empty()) {
            out.problems.push_back(path + ": invalid Referenced File ID (0004,1500) '" + r.fileId +
                                   "' (PS3.10 8.2)");
            continue;
        }
        std::string shown;
        for (const std::string& c : components) {
            shown += (shown.empty() ? "" : "/") + c;
        }
        if (auto found = resolver.resolve(components)) {
            out.files.push_back(found->string());
        } else {
            out.problems.push_back(path + ": referenced file " + shown + " not found");
        }
    }
    return out;
}

}  // namespace dcmlens::dicom
