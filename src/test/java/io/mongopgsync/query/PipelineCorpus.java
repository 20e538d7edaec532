package io.mongopgsync.query;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.types.ObjectId;

/**
 * The differential corpus: pipelines over the public datasets and the demo collections, each answered by MongoDB
 * and by the translator on the imported tables. Pipelines whose answer has an order sort on unique keys, so that
 * one order is right.
 */
final class PipelineCorpus {

    /**
     * One pipeline. {@code ordered}: the answer's order is compared too. {@code setArrays}: arrays in the answer
     * are compared as multisets ($addToSet, $lookup). {@code embeddedDeviation}: why the embedded mongo-java-server
     * answers this pipeline differently from MongoDB (it then runs only against a real MongoDB).
     */
    record Case(String name, String source, String collection, String pipeline, boolean ordered, boolean setArrays,
                String embeddedDeviation) {
        Case comparingArraysAsSets() {
            return new Case(name, source, collection, pipeline, ordered, true, embeddedDeviation);
        }

        Case onEmbedded(String deviation) {
            return new Case(name, source, collection, pipeline, ordered, setArrays, deviation);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final String DATASETS = "datasets";
    static final String DEMO = "demo";

    private PipelineCorpus() {
    }

    private static Case unordered(String name, String source, String collection, String pipeline) {
        return new Case(name, source, collection, pipeline, false, false, null);
    }

    private static Case ordered(String name, String source, String collection, String pipeline) {
        return new Case(name, source, collection, pipeline, true, false, null);
    }

    /** The demo generator's id of customer {@code i}. */
    static String customerId(int i) {
        return new ObjectId(Date.from(Instant.parse("2024-01-01T00:00:00Z").plus(i, ChronoUnit.MINUTES)), i).toHexString();
    }

    static List<Case> all() {
        List<Case> c = new ArrayList<>();
        String d = DATASETS;
        // products: _id string vs ObjectId, type string vs array, numbers int vs double
        c.add(unordered("string matches a string field or any array element", d, "products", "[{$match: {type: 'phone'}}]"));
        c.add(unordered("array element match with inclusion", d, "products", "[{$match: {type: 'accessory'}}, {$project: {name: 1}}]"));
        c.add(ordered("range on int and double, sorted on mixed-type _id", d, "products",
                "[{$match: {price: {$gt: 100}}}, {$sort: {price: 1, _id: 1}}]"));
        c.add(unordered("_id as string", d, "products", "[{$match: {_id: 'ac3'}}]"));
        c.add(unordered("_id as ObjectId", d, "products", "[{$match: {_id: {$oid: '507d95d5719dbef170f15bf9'}}}]"));
        c.add(unordered("$gte on doubles with exclusion of _id", d, "products",
                "[{$match: {rating: {$gte: 3}}}, {$project: {_id: 0, name: 1, rating: 1}}]"));
        c.add(unordered("string field or array element, counted", d, "products", "[{$match: {for: 'ac3'}}, {$count: 'n'}]"));
        c.add(unordered("$lt on int and double", d, "products",
                "[{$match: {warranty_years: {$lt: 1}}}, {$project: {name: 1, warranty_years: 1}}]"));
        c.add(unordered("$group with missing key as null", d, "products",
                "[{$group: {_id: '$brand', n: {$sum: 1}, avgPrice: {$avg: '$price'}}}]"));
        c.add(unordered("$exists true", d, "products",
                "[{$match: {available: {$exists: true}}}, {$project: {name: 1, available: 1}}]"));
        c.add(unordered("$exists false counted", d, "products", "[{$match: {available: {$exists: false}}}, {$count: 'n'}]"));
        c.add(unordered("$unwind of string-or-array field", d, "products",
                "[{$unwind: '$type'}, {$group: {_id: '$type', n: {$sum: 1}}}]"));
        c.add(unordered("$all", d, "products", "[{$match: {type: {$all: ['accessory', 'case']}}}, {$project: {name: 1}}]"));
        c.add(unordered("$size", d, "products", "[{$match: {type: {$size: 2}}}, {$project: {name: 1}}]"));
        c.add(unordered("$type array", d, "products", "[{$match: {type: {$type: 'array'}}}, {$count: 'arrays'}]"));
        c.add(unordered("$regex with options", d, "products",
                "[{$match: {name: {$regex: 'phone$', $options: 'i'}}}, {$project: {name: 1}}]"));
        c.add(ordered("$sort desc with $limit", d, "products",
                "[{$sort: {price: -1, _id: 1}}, {$limit: 3}, {$project: {name: 1, price: 1}}]"));
        c.add(unordered("string operators", d, "products",
                "[{$project: {name: 1, upper: {$toUpper: '$name'}, len: {$strLenCP: '$name'}}}]"));
        c.add(unordered("nested inclusion", d, "products",
                "[{$match: {limits: {$exists: true}}}, {$project: {name: 1, 'limits.voice': 1}}]"));
        c.add(unordered("nested path compared with mixed types", d, "products",
                "[{$match: {'limits.data.n': {$gte: 10}}}, {$project: {name: 1}}]"));
        c.add(unordered("null matches missing", d, "products", "[{$match: {color: null}}, {$project: {name: 1}}]"));

        // restaurant: rating int, double and string; field names with spaces and upper case
        c.add(unordered("int and double equal", d, "restaurant", "[{$match: {rating: 5}}, {$count: 'n'}]"));
        c.add(unordered("string value of a mixed field", d, "restaurant", "[{$match: {rating: 'Not yet rated'}}, {$count: 'n'}]"));
        c.add(unordered("range skips strings", d, "restaurant", "[{$match: {rating: {$gt: 5}}}, {$count: 'n'}]"));
        c.add(unordered("$min and $max across numbers and strings", d, "restaurant",
                "[{$group: {_id: '$type_of_food', n: {$sum: 1}, best: {$max: '$rating'}, worst: {$min: '$rating'}}}]"));
        c.add(unordered("field name with a space", d, "restaurant", "[{$match: {'address line 2': 'London'}}, {$count: 'n'}]"));
        c.add(unordered("upper-case field name with regex", d, "restaurant", "[{$match: {URL: {$regex: 'chinese'}}}, {$count: 'n'}]"));
        c.add(ordered("$sortByCount", d, "restaurant",
                "[{$sortByCount: '$type_of_food'}, {$sort: {count: -1, _id: 1}}, {$limit: 10}]"));
        c.add(unordered("$type string", d, "restaurant",
                "[{$match: {rating: {$type: 'string'}}}, {$group: {_id: null, n: {$sum: 1}}}]"));
        c.add(unordered("$avg and $sum skip strings", d, "restaurant",
                "[{$group: {_id: null, avgRating: {$avg: '$rating'}, total: {$sum: '$rating'}, n: {$sum: 1}}}]"));
        c.add(unordered("$in", d, "restaurant",
                "[{$match: {outcode: {$in: ['CF24', 'SS9', 'W6']}}}, {$project: {name: 1, outcode: 1}}]"));
        c.add(unordered("$type number on string-or-int field", d, "restaurant",
                "[{$match: {address: {$type: 'number'}}}, {$project: {address: 1}}]"));
        c.add(ordered("binary string order with $skip and $limit", d, "restaurant",
                "[{$sort: {name: 1, _id: 1}}, {$skip: 100}, {$limit: 5}, {$project: {name: 1}}]"));
        c.add(unordered("$or", d, "restaurant",
                "[{$match: {$or: [{rating: {$lt: 2}}, {type_of_food: 'Pizza'}]}}, {$count: 'n'}]"));
        c.add(unordered("$nor", d, "restaurant", "[{$match: {$nor: [{rating: {$type: 'number'}}]}}, {$count: 'n'}]"));
        c.add(unordered("$cond with cross-type comparison and compound group key", d, "restaurant",
                "[{$project: {food: {$toLower: '$type_of_food'}, r: {$cond: [{$gte: ['$rating', 5]}, 'good', 'other']}}},"
                        + " {$group: {_id: {food: '$food', r: '$r'}, n: {$sum: 1}}}]"));
        c.add(unordered("$not keeps other types", d, "restaurant", "[{$match: {rating: {$not: {$gt: 3}}}}, {$count: 'n'}]"));
        c.add(unordered("$ne", d, "restaurant", "[{$match: {rating: {$ne: 5}}}, {$count: 'n'}]"));
        c.add(unordered("anchored regex with class", d, "restaurant", "[{$match: {postcode: {$regex: '^[0-9]'}}}, {$count: 'n'}]"));
        c.add(unordered("no match counts nothing", d, "restaurant", "[{$match: {name: 'nobody here'}}, {$count: 'n'}]"));
        c.add(unordered("null on a missing field matches all", d, "restaurant", "[{$match: {nofield: null}}, {$count: 'n'}]"));

        // books: int and ObjectId ids, dates with offsets, arrays of strings
        c.add(ordered("two conditions, sorted desc", d, "books",
                "[{$match: {status: 'PUBLISH', pageCount: {$gte: 500}}}, {$sort: {pageCount: -1, _id: 1}}, {$project: {title: 1, pageCount: 1}}]"));
        c.add(unordered("$unwind then $group then $match", d, "books",
                "[{$unwind: '$authors'}, {$group: {_id: '$authors', books: {$sum: 1}}}, {$match: {books: {$gte: 3}}}]"));
        c.add(ordered("$unwind then $sortByCount", d, "books",
                "[{$unwind: '$categories'}, {$sortByCount: '$categories'}, {$sort: {count: -1, _id: 1}}]"));
        c.add(unordered("date range", d, "books",
                "[{$match: {publishedDate: {$gte: {$date: '2010-01-01T00:00:00Z'}}}}, {$count: 'n'}]"));
        c.add(unordered("$year and $month, missing date", d, "books",
                "[{$project: {title: 1, year: {$year: '$publishedDate'}, month: {$month: '$publishedDate'}}}, {$match: {year: {$gte: 2010}}}]"));
        c.add(unordered("group by year", d, "books",
                "[{$group: {_id: {$year: '$publishedDate'}, n: {$sum: 1}, pages: {$sum: '$pageCount'}}}]"));
        c.add(unordered("$dateToString", d, "books",
                "[{$project: {d: {$dateToString: {format: '%Y-%m-%d %H:%M', date: '$publishedDate'}}}}]"));
        c.add(unordered("$size 0", d, "books", "[{$match: {categories: {$size: 0}}}, {$count: 'n'}]"));
        c.add(unordered("$elemMatch on values", d, "books",
                "[{$match: {authors: {$elemMatch: {$regex: '^Robert'}}}}, {$project: {title: 1, authors: 1}}]"));
        c.add(unordered("$unwind with includeArrayIndex", d, "books",
                "[{$unwind: {path: '$authors', includeArrayIndex: 'pos'}}, {$match: {pos: {$gte: 3}}}, {$project: {authors: 1, pos: 1}}]"));
        c.add(unordered("$unwind preserving empty arrays", d, "books",
                "[{$unwind: {path: '$categories', preserveNullAndEmptyArrays: true}}, {$match: {categories: {$exists: false}}}, {$count: 'n'}]"));
        c.add(unordered("_id range on int ids among ObjectIds", d, "books", "[{$match: {_id: {$gt: 400}}}, {$count: 'n'}]"));
        c.add(unordered("_id $in", d, "books", "[{$match: {_id: {$in: [1, 2, 3, 999]}}}, {$project: {title: 1}}]"));
        c.add(ordered("$size of $ifNull, sorted", d, "books",
                "[{$project: {title: 1, nAuthors: {$size: {$ifNull: ['$authors', []]}}}}, {$sort: {nAuthors: -1, _id: 1}}, {$limit: 5}]"));
        c.add(unordered("case-insensitive regex then group", d, "books",
                "[{$match: {title: {$regex: 'java', $options: 'i'}}}, {$group: {_id: '$status', n: {$sum: 1}}}]"));
        c.add(unordered("$divide and $substrCP", d, "books",
                "[{$addFields: {pages100: {$divide: ['$pageCount', 100]}, short: {$substrCP: ['$title', 0, 5]}}}, {$project: {pages100: 1, short: 1}}]"));
        c.add(unordered("$min and $max of strings", d, "books",
                "[{$match: {isbn: {$exists: true}}}, {$group: {_id: null, minIsbn: {$min: '$isbn'}, maxIsbn: {$max: '$isbn'}}}]"));
        c.add(ordered("sort puts missing dates first", d, "books",
                "[{$sort: {publishedDate: 1, _id: 1}}, {$limit: 5}, {$project: {title: 1, publishedDate: 1}}]"));
        c.add(unordered("exclusion projection", d, "books",
                "[{$project: {longDescription: 0, shortDescription: 0, thumbnailUrl: 0}}, {$match: {pageCount: 0}}]"));
        c.add(unordered("$unset", d, "books", "[{$unset: ['longDescription', 'shortDescription']}, {$match: {status: 'MEAP'}}]"));

        // grades and students: arrays of sub-documents
        c.add(unordered("$unwind sub-documents and aggregate", d, "grades",
                "[{$unwind: '$scores'}, {$match: {'scores.type': 'exam'}}, {$group: {_id: '$class_id', avg: {$avg: '$scores.score'}, max: {$max: '$scores.score'}}}]"));
        c.add(unordered("$elemMatch on documents", d, "grades",
                "[{$match: {scores: {$elemMatch: {type: 'exam', score: {$gt: 95}}}}}, {$project: {student_id: 1, class_id: 1}}]"));
        c.add(unordered("path through an array of documents", d, "grades", "[{$match: {'scores.score': {$gt: 99}}}, {$count: 'n'}]"));
        c.add(unordered("path expression through an array", d, "grades",
                "[{$project: {student_id: 1, types: '$scores.type'}}, {$match: {student_id: {$lt: 3}}}]"));
        c.add(unordered("$addToSet", d, "grades",
                "[{$group: {_id: '$student_id', classes: {$addToSet: '$class_id'}}}, {$match: {_id: {$lt: 5}}}]").comparingArraysAsSets());
        c.add(unordered("$first, $last and $push after $sort", d, "grades",
                "[{$sort: {student_id: 1, class_id: 1, _id: 1}}, {$group: {_id: '$student_id', first: {$first: '$class_id'}, "
                        + "last: {$last: '$class_id'}, all: {$push: '$class_id'}}}]"));
        c.add(unordered("$unwind sub-documents grouped by type", d, "students",
                "[{$unwind: '$scores'}, {$group: {_id: '$scores.type', avg: {$avg: '$scores.score'}, n: {$sum: 1}}}]"));
        c.add(ordered("string range in code point order", d, "students",
                "[{$match: {name: {$gte: 'M'}}}, {$sort: {name: 1, _id: 1}}, {$project: {name: 1}}]"));
        c.add(unordered("$concat", d, "students",
                "[{$project: {n: {$concat: ['$name', ' #', {$substrCP: ['$name', 0, 1]}]}}}]"));
        c.add(unordered("_id range on int ids", d, "students", "[{$match: {_id: {$gte: 10, $lt: 20}}}, {$project: {name: 1}}]"));
        c.add(unordered("$expr comparing fields", d, "students",
                "[{$match: {$expr: {$lt: [{$size: '$scores'}, 4]}}}, {$count: 'n'}]"));

        // demo data: nested documents, decimals, dates, a field that is int, double or string
        String m = DEMO;
        c.add(unordered("range over int, double and string", m, "customers", "[{$match: {loyaltyPoints: {$gte: 4000}}}, {$count: 'n'}]"));
        c.add(unordered("nested field and boolean", m, "customers",
                "[{$match: {'address.city': 'Berlin', vip: true}}, {$project: {name: 1, 'address.city': 1}}]"));
        c.add(unordered("group by nested field with $cond sum", m, "customers",
                "[{$group: {_id: '$address.country', n: {$sum: 1}, vip: {$sum: {$cond: ['$vip', 1, 0]}}}}]"));
        c.add(unordered("$in on array field", m, "customers", "[{$match: {tags: {$in: ['beta', 'referral']}}}, {$count: 'n'}]"));
        c.add(ordered("date range sorted by date", m, "customers",
                "[{$match: {signupAt: {$lt: {$date: '2024-02-01T00:00:00Z'}}}}, {$sort: {signupAt: 1, _id: 1}}, {$limit: 5}, {$project: {name: 1, signupAt: 1}}]"));
        c.add(unordered("equality on an indexed string", m, "customers", "[{$match: {email: 'customer42@example.com'}}]"));
        c.add(ordered("group by month", m, "customers", "[{$group: {_id: {$month: '$signupAt'}, n: {$sum: 1}}}, {$sort: {_id: 1}}]"));
        c.add(unordered("$type string on a mixed field", m, "customers",
                "[{$match: {loyaltyPoints: {$type: 'string'}}}, {$count: 'n'}]"));
        c.add(unordered("decimal sum", m, "orders",
                "[{$match: {status: 'returned'}}, {$group: {_id: null, total: {$sum: '$total'}, n: {$sum: 1}}}]"));
        c.add(ordered("$unwind items, top skus", m, "orders",
                "[{$unwind: '$items'}, {$group: {_id: '$items.sku', qty: {$sum: '$items.qty'}}}, {$sort: {qty: -1, _id: 1}}, {$limit: 5}]"));
        c.add(unordered("$lookup to another imported collection", m, "orders",
                "[{$match: {_id: {$lt: 100010}}}, {$lookup: {from: 'customers', localField: 'customerId', foreignField: '_id', as: 'customer'}},"
                        + " {$project: {status: 1, 'customer.name': 1, 'customer.email': 1}}]").comparingArraysAsSets()
                .onEmbedded("projecting 'customer.name' from an array of documents yields {customer: {name: [...]}} instead of "
                        + "[{name: ...}] for each element"));
        c.add(unordered("$lookup then $unwind", m, "orders",
                "[{$match: {_id: {$lt: 100010}}}, {$lookup: {from: 'customers', localField: 'customerId', foreignField: '_id', as: 'customer'}},"
                        + " {$unwind: '$customer'}, {$project: {status: 1, 'customer.name': 1}}]"));
        c.add(unordered("nested fields, double zero", m, "orders",
                "[{$match: {'shipping.method': 'express', 'shipping.fee': 0}}, {$count: 'n'}]"));
        c.add(unordered("decimal constant", m, "orders", "[{$match: {total: {$gt: {$numberDecimal: '1000'}}}}, {$count: 'n'}]"));
        c.add(ordered("$dateToString month buckets", m, "orders",
                "[{$project: {status: 1, day: {$dateToString: {format: '%Y-%m', date: '$orderedAt'}}}}, {$group: {_id: '$day', n: {$sum: 1}}}, {$sort: {_id: 1}}]"));
        c.add(unordered("ObjectId equality on an indexed field", m, "orders",
                "[{$match: {customerId: {$oid: '" + customerId(5) + "'}}}, {$project: {status: 1, total: 1}}]"));
        c.add(unordered("decimal minus double, $size", m, "orders",
                "[{$addFields: {itemCount: {$size: '$items'}, net: {$subtract: ['$total', '$shipping.fee']}}}, {$match: {itemCount: 4}},"
                        + " {$project: {itemCount: 1, net: 1}}]"));
        c.add(unordered("boolean present only in some documents", m, "products",
                "[{$match: {discontinued: true}}, {$project: {name: 1, price: 1}}]"));
        c.add(unordered("$unwind, $avg of int and double, $max nested", m, "products",
                "[{$unwind: '$categories'}, {$group: {_id: '$categories', avgPrice: {$avg: '$price'}, maxW: {$max: '$dimensions.w'}}}]"));
        c.add(unordered("sum of a nested field missing in most documents", m, "events",
                "[{$group: {_id: '$type', n: {$sum: 1}, results: {$sum: '$payload.results'}}}]"));
        c.add(unordered("long compared with int", m, "events",
                "[{$match: {type: 'checkout', 'payload.orderId': {$gte: 104000}}}, {$count: 'n'}]"));
        c.add(unordered("date range then $dayOfWeek", m, "events",
                "[{$match: {at: {$gte: {$date: '2024-06-01T00:00:00Z'}, $lt: {$date: '2024-07-01T00:00:00Z'}}}}, {$group: {_id: {$dayOfWeek: '$at'}, n: {$sum: 1}}}]")
                .onEmbedded("$dayOfWeek counts from Monday = 1 (ISO) instead of MongoDB's Sunday = 1"));
        c.add(unordered("date range then $dayOfMonth and $hour", m, "events",
                "[{$match: {at: {$gte: {$date: '2024-06-01T00:00:00Z'}, $lt: {$date: '2024-07-01T00:00:00Z'}}}},"
                        + " {$group: {_id: {day: {$dayOfMonth: '$at'}, hour: {$hour: '$at'}}, n: {$sum: 1}}}]"));
        c.add(unordered("$expr on a nested field", m, "events", "[{$match: {$expr: {$gt: ['$payload.results', 30]}}}, {$count: 'n'}]"));
        return c;
    }
}
