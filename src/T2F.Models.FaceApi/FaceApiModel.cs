namespace T2F.Models.FaceApi;

/// <summary>The face-api networks this package ships.</summary>
public enum FaceApiModel
{
    /// <summary><c>face_recognition_model</c>: dlib ResNet, 128-d identity descriptor.</summary>
    FaceRecognition,

    /// <summary><c>age_gender_model</c>: TinyXception, age in years and gender softmax.</summary>
    AgeGender,

    /// <summary><c>face_expression_model</c>: 7-class expression softmax.</summary>
    FaceExpression,
}
