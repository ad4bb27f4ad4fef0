#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "net/json.hpp"

namespace dcmlens::net {

// Tags of the query and retrieve keys (PS3.4 C.6.1.1, PS3.18 10.6.1.2).
namespace tag {
constexpr std::uint32_t SpecificCharacterSet = 0x00080005;
constexpr std::uint32_t StudyDate = 0x00080020;
constexpr std::uint32_t StudyTime = 0x00080030;
constexpr std::uint32_t AccessionNumber = 0x00080050;
constexpr std::uint32_t QueryRetrieveLevel = 0x00080052;
constexpr std::uint32_t Modality = 0x00080060;
constexpr std::uint32_t ModalitiesInStudy = 0x00080061;
constexpr std::uint32_t SopClassUid = 0x00080016;
constexpr std::uint32_t SopInstanceUid = 0x00080018;
constexpr std::uint32_t StudyDescription = 0x00081030;
constexpr std::uint32_t SeriesDescription = 0x0008103E;
constexpr std::uint32_t PatientName = 0x00100010;
constexpr std::uint32_t PatientId = 0x00100020;
constexpr std::uint32_t PatientBirthDate = 0x00100030;
constexpr std::uint32_t PatientSex = 0x00100040;
constexpr std::uint32_t StudyInstanceUid = 0x0020000D;
constexpr std::uint32_t SeriesInstanceUid = 0x0020000E;
constexpr std::uint32_t StudyId = 0x00200010;
constexpr std::uint32_t SeriesNumber = 0x00200011;
constexpr std::uint32_t InstanceNumber = 0x00200013;
constexpr std::uint32_t NumberOfStudyRelatedSeries = 0x00201206;
constexpr std::uint32_t NumberOfStudyRelatedInstances = 0x00201208;
constexpr std::uint32_t NumberOfSeriesRelatedInstances = 0x00201209;
constexpr std::uint32_t NumberOfFrames = 0x00280008;
constexpr std::uint32_t Rows = 0x00280010;
constexpr std::uint32_t Columns = 0x00280011;
constexpr std::uint32_t TransferSyntaxUid = 0x00020010;
}  // namespace tag

// A query at one level of the Study Root information model (PS3.4 C.3.2, C.6.2). Empty fields do
// not constrain; text fields take DICOM's wildcards '*' and '?' (PS3.4 C.2.2.2.4); dates are a
// single YYYYMMDD or a range FROM-TO with either end open (C.2.2.2.5).
struct Query {
    enum class Level { Study, Series, Instance };
    Level level = Level::Study;
    std::string studyUid;   // series and instance levels: within this study
    std::string seriesUid;  // instance level: within this series
    std::string patientName;
    std::string patientId;
    std::string studyDate;  // "20040119" or "20040101-20041231"
    std::string modality;   // study level: Modalities in Study; series level: Modality
    std::string accessionNumber;
    std::string studyDescription;
    std::string sopInstanceUid;  // instance level
    // Further attributes to return, as keywords ("PatientBirthDate") or tags ("00100030").
    std::vector<std::string> includeFields;
    // Paging: at most `limit` results (0: all) after skipping `offset`. DICOMweb pages on the
    // server (limit/offset, PS3.18 8.3.4.4); C-FIND has no paging, so the client skips and cuts.
    int limit = 0;
    int offset = 0;
};

const char* levelName(Query::Level level);  // "STUDY", "SERIES", "IMAGE" (PS3.4 C.6.1.1.1)

// The attributes a level returns by default (besides the ones queried and the include fields):
// what the results table and `pacs find` show.
std::vector<std::uint32_t> defaultReturnKeys(Query::Level level);

// The match keys of a query as (tag, value) pairs, the modality under its level's tag.
std::vector<std::pair<std::uint32_t, std::string>> matchKeys(const Query& query);

// A keyword or "GGGGEEEE" as a tag, through DCMTK's data dictionary. Throws dcmlens::Error for
// an unknown keyword.
std::uint32_t tagOf(const std::string& keywordOrTag);
// The keyword of a tag ("PatientName"), or "GGGGEEEE" when the dictionary has none.
std::string keywordOf(std::uint32_t tag);

// Cuts C-FIND results to a page (DICOMweb servers do it themselves).
void applyPaging(std::vector<Record>& records, int offset, int limit);

}  // namespace dcmlens::net
