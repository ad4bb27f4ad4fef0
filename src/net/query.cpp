#include "net/query.hpp"

#include <dcmtk/dcmdata/dcdicent.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dctag.h>

#include <cstdio>

#include "common/error.hpp"
#include "dicom/dicom_file.hpp"

namespace dcmlens::net {

const char* levelName(Query::Level level) {
    switch (level) {
        case Query::Level::Study:
            return "STUDY";
        case Query::Level::Series:
            return "SERIES";
        case Query::Level::Instance:
            return "IMAGE";
    }
    return "STUDY";
}

std::vector<std::uint32_t> defaultReturnKeys(Query::Level level) {
    std::vector<std::uint32_t> keys = {
        tag::StudyInstanceUid, tag::PatientName,       tag::PatientId,
        tag::StudyDate,        tag::StudyTime,         tag::AccessionNumber,
        tag::StudyDescription, tag::ModalitiesInStudy, tag::StudyId};
    if (level == Query::Level::Study) {
        keys.insert(keys.end(),
                    {tag::PatientBirthDate, tag::PatientSex, tag::NumberOfStudyRelatedSeries,
                     tag::NumberOfStudyRelatedInstances});
        return keys;
    }
    keys = {tag::StudyInstanceUid, tag::SeriesInstanceUid, tag::Modality, tag::SeriesDescription,
            tag::SeriesNumber};
    if (level == Query::Level::Series) {
        keys.push_back(tag::NumberOfSeriesRelatedInstances);
        return keys;
    }
    keys.insert(keys.end(), {tag::SopInstanceUid, tag::SopClassUid, tag::InstanceNumber,
                             tag::NumberOfFrames, tag::Rows, tag::Columns});
    return keys;
}

std::vector<std::pair<std::uint32_t, std::string>> matchKeys(const Query& q) {
    std::vector<std::pair<std::uint32_t, std::string>> keys;
    auto add = [&](std::uint32_t t, const std::string& v) {
        if (!v.empty()) {
            keys.emplace_back(t, v);
        }
    };
    add(tag::StudyInstanceUid, q.studyUid);
    if (q.level != Query::Level::Study) {
        add(tag::SeriesInstanceUid, q.seriesUid);
    }
    add(tag::PatientName, q.patientName);
    add(tag::PatientId, q.patientId);
    add(tag::StudyDate, q.studyDate);
    add(q.level == Query::Level::Study ? tag::ModalitiesInStudy : tag::Modality, q.modality);
    add(tag::AccessionNumber, q.accessionNumber);
    add(tag::StudyDescription, q.studyDescription);
    if (q.level == Query::Level::Instance) {
        add(tag::SopInstanceUid, q.sopInstanceUid);
    }
    return keys;
}

std::uint32_t tagOf(const std::string& name) {
    if (name.size() == 8 && name.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos) {
        return static_cast<std::uint32_t>(std::stoul(name, nullptr, 16));
    }
    dicom::registerCodecs();  // the dictionary dcmlens uses
    DcmTag found;
    if (DcmTag::findTagFromName(name.c_str(), found).bad()) {
        throw Error("'" + name + "' is not a DICOM keyword or tag (GGGGEEEE)");
    }
    return (static_cast<std::uint32_t>(found.getGroup()) << 16) | found.getElement();
}

std::string keywordOf(std::uint32_t t) {
    dicom::registerCodecs();
    DcmTag found(static_cast<Uint16>(t >> 16), static_cast<Uint16>(t & 0xFFFF));
    const char* name = found.getTagName();
    if (name && std::string(name) != DcmTag_ERROR_TagName && (t >> 16) % 2 == 0) {
        return name;
    }
    char hex[16];
    std::snprintf(hex, sizeof hex, "%08X", t);
    return hex;
}

void applyPaging(std::vector<Record>& records, int offset, int limit) {
    if (offset > 0) {
        records.erase(records.begin(),
                      records.begin() +
                          std::min<std::size_t>(records.size(), static_cast<std::size_t>(offset)));
    }
    if (limit > 0 && records.size() > static_cast<std::size_t>(limit)) {
        records.resize(static_cast<std::size_t>(limit));
    }
}

}  // namespace dcmlens::net
