// The workspace of each task type, by the type's registered name, checked against the contract
// of a task-type module (contract.js) when a page asks for it.

import * as audiotranscription from "./audiotranscription.js";
import * as categorization from "./categorization.js";
import * as comparison from "./comparison.js";
import { checked } from "./contract.js";
import * as imageannotation from "./imageannotation.js";
import * as namedentityrecognition from "./namedentityrecognition.js";
import * as textcollection from "./textcollection.js";

const TYPES = {
  audiotranscription, categorization, comparison, imageannotation, namedentityrecognition,
  textcollection,
};

/** @returns {import("./contract.js").TaskTypeModule} */
export function taskType(name) {
  const kind = TYPES[name];
  if (!kind) throw new Error(`this page has no workspace for task type ${name}`);
  return checked(name, kind);
}
